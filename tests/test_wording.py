"""Pages say what happened in a reader's words: the choice made, when to try again, which address, times."""

from __future__ import annotations

import re
from pathlib import Path

from feedsvc.mail.render import addressing
from tests.conftest import confirmation_link, csrf, reader, subscribe, subscribe_app
from tests.smtp import Mailbox


def _confirmed(tmp_path: Path, mailbox: Mailbox, email: str, topics: list[str]) -> str:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url)
    client = app.test_client()
    assert subscribe(client, email, topics=topics, hour="7", zone="Asia/Baku").status_code == 200
    link = confirmation_link(mailbox)
    asked = client.get(link).get_data(as_text=True)
    done = client.post(link, data={"csrf_token": csrf(client, link)}).get_data(as_text=True)
    return asked + done


def test_confirmation_names_the_choice(tmp_path: Path, mailbox: Mailbox) -> None:
    pages = _confirmed(tmp_path, mailbox, "every@example.com", ["all"])
    assert "get all at" not in pages
    assert "every topic" in pages and "07:00" in pages and "Asia/Baku" in pages
    (tmp_path / "b").mkdir()
    some = _confirmed(tmp_path / "b", mailbox, "some@example.com", ["politics", "world"])
    assert "Politics and World" in some and "politics, world" not in some


def test_rate_limit_page_says_what_happened_and_when_to_try_again(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="2/minute")
    client = app.test_client()
    for i in range(2):
        assert subscribe(client, f"r{i}@example.com").status_code == 200
    page = subscribe(client, "r9@example.com")
    text = page.get_data(as_text=True)
    assert page.status_code == 429
    assert "per 1 minute" not in text
    assert "Too many attempts" in text and re.search(r"try again in (about )?\d+ (seconds?|minutes?)", text), text


def test_unsubscribe_page_names_the_address_partly_masked(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url)
    assert app.test_cli_runner().invoke(args=["subscribers", "add", "reader.name@example.com"]).exit_code == 0
    sub = reader(app, "reader.name@example.com")
    assert sub is not None
    link = addressing(sub.email, sub.id, sender="x <x@news.example.org>", base_url="",
                      secret=app.config["SECRET_KEY"]).unsubscribe_url
    client = app.test_client()
    for page in (client.get(link), client.post(link)):
        text = page.get_data(as_text=True)
        assert "reader.name@example.com" not in text
        assert re.search(r"r\S*e@example\.com", text), text


def test_times_notice_only_where_times_are_shown(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url)
    assert app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    client = app.test_client()
    notice = "Times are shown in your own time zone"
    for path in ("/", "/topics/politics"):
        assert notice in client.get(path).get_data(as_text=True), path
    for path in ("/subscribe", "/digests/", "/no/such/page"):
        assert notice not in client.get(path).get_data(as_text=True), path
