"""The digest email, parsed back with the standard library as a mail client would."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from feedsvc.context import load_sources, load_taxonomy
from feedsvc.mail.render import Addressing, digest_email
from feedsvc.store import db
from feedsvc.store import digests as digest_store

TO = Addressing(sender="feedsvc <digest@news.example.org>", recipient="reader@example.com",
                unsubscribe_url="https://news.example.org/unsubscribe/tok123",
                unsubscribe_mailto="mailto:unsubscribe+tok123@news.example.org")


@pytest.fixture
def politics(sqlite_app):  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    assert runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        record = digest_store.get(conn, "politics", "2025-07-05")
        assert record is not None

        def render(**kwargs: int) -> EmailMessage:
            return digest_email(record, TO, taxonomy=load_taxonomy(), sources=load_sources(),
                                base_url="https://news.example.org", **kwargs)

        yield render


def parse(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_structure_and_headers(politics) -> None:  # type: ignore[no-untyped-def]
    msg = parse(politics())
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert msg["Subject"] == "Politics digest, 5 July 2025: Trump says there could be Gaza deal next week"
    assert msg["From"] == "feedsvc <digest@news.example.org>" and msg["To"] == "reader@example.com"
    assert msg["Message-ID"].startswith("<digest.politics.2025-07-05.") and msg["Message-ID"].endswith(
        "@news.example.org>")
    assert msg["List-Id"] == "Politics digest <politics.digest.news.example.org>"
    assert msg["List-Archive"] == "<https://news.example.org/digests/>"
    assert msg["List-Unsubscribe"] == ("<https://news.example.org/unsubscribe/tok123>, "
                                       "<mailto:unsubscribe+tok123@news.example.org>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Date"] is not None


def test_text_part_is_its_own_not_converted_html(politics) -> None:  # type: ignore[no-untyped-def]
    text = parse(politics()).get_body(preferencelist=("plain",)).get_content()
    assert "<" not in text.replace("<http", "")
    assert "* Trump says there could be Gaza deal next week" in text
    assert "  - also: Trump says Gaza ceasefire deal may come next week" in text
    assert "Unsubscribe with one click: https://news.example.org/unsubscribe/tok123" in text


def test_html_is_inlined_small_and_dark_mode_ready(politics) -> None:  # type: ignore[no-untyped-def]
    html = parse(politics()).get_body(preferencelist=("html",)).get_content()
    assert len(html.encode("utf-8")) < 100_000
    assert 'style="' in html and "font-family: Arial" in html  # CSS inlined onto the elements
    assert "@media (prefers-color-scheme: dark)" in html and "@media (max-width: 620px)" in html
    assert '<meta name="color-scheme" content="light dark">' in html
    assert 'class="preheader"' in html and "display: none" in html
    assert 'width="600"' in html and 'role="presentation"' in html


def test_budget_links_to_the_archive(politics) -> None:  # type: ignore[no-untyped-def]
    msg = parse(politics(max_stories=5))
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    archive = "https://news.example.org/digests/politics/2025-07-05"
    left = re.search(rf"…and (\d+) more: (\d+) in Politics \({re.escape(archive)}#s-politics\)", text)
    assert left and left.group(1) == left.group(2) and int(left.group(1)) > 10
    assert re.search(f'…and {left.group(1)} more: <a href="{archive}#s-politics"[^>]*>{left.group(1)} in Politics</a>',
                     html)


def test_same_digest_same_bytes(politics) -> None:  # type: ignore[no-untyped-def]
    assert politics().as_bytes() == politics().as_bytes()


def test_list_unsubscribe_post_unsubscribes_that_reader(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    from feedsvc.mail.render import addressing
    from feedsvc.store import subscribers as subscriber_store

    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    assert runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"]).exit_code == 0
    assert runner.invoke(args=["subscribers", "add", "reader@example.com"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        reader = subscriber_store.by_email(conn, "reader@example.com")
        record = digest_store.get(conn, "politics", "2025-07-05")
        assert reader is not None and record is not None
        to = addressing(reader.email, reader.id, sender="feedsvc <digest@127.0.0.1>",
                        base_url="http://127.0.0.1:5000", secret=sqlite_app.config["SECRET_KEY"])
        msg = parse(digest_email(record, to, taxonomy=load_taxonomy(), sources=load_sources(),
                                 base_url="http://127.0.0.1:5000"))
    https = re.match(r"<(http://[^>]+)>", msg["List-Unsubscribe"])
    assert https is not None
    response = sqlite_app.test_client().post(https.group(1).replace("http://127.0.0.1:5000", ""),
                                             data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        after = subscriber_store.by_email(conn, "reader@example.com")
        assert after is not None and after.status == "unsubscribed"


def test_a_big_story_shows_three_other_headlines_and_counts_the_rest(sqlite_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    folder = tmp_path / "day"
    folder.mkdir()
    tails = ["next week", "on Monday", "after talks", "in Baku", "at summit", "amid tension", "in phone call"]
    (folder / "day.jsonl").write_text("\n".join(json.dumps({
        "title": f"Aliyev and Erdogan sign Caspian energy corridor deal {tail}", "source": "apa",
        "topics": ["politics"], "published": f"2025-07-05T{9 + k:02d}:00:00+04:00"}) for k, tail in enumerate(tails)))
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest", str(folder)]).exit_code == 0
    assert runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        record = digest_store.get(conn, "politics", "2025-07-05")
        assert record is not None and record.digest.story_count == 1
        msg = parse(digest_email(record, TO, taxonomy=load_taxonomy(), sources=load_sources(),
                                 base_url="https://news.example.org"))
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert text.count("  - also: ") == 3 and "  - and 3 more reports of this story" in text
    assert html.count(">also: ") == 3 and "and 3 more reports of this story" in html
