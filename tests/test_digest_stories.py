"""What a digest tells of each story: source, time in the reader's zone, how many sources, every topic."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedsvc.context import load_sources, load_taxonomy
from feedsvc.mail.render import MAX_HTML_BYTES, Addressing, prepare
from feedsvc.store import db
from feedsvc.store import digests as digest_store
from tests.conftest import SEND_AT, add_readers, make_app, send
from tests.smtp import Mailbox

TO = Addressing(sender="feedsvc <digest@news.example.org>", recipient="reader@example.com",
                unsubscribe_url="https://news.example.org/unsubscribe/tok123",
                unsubscribe_mailto="mailto:unsubscribe+tok123@news.example.org")
BASE = "https://news.example.org"
GAZA_A = "Trump says there could be Gaza deal next week"
WRESTLER = "Azerbaijani woman wrestler becomes European champion"


@pytest.fixture
def built(sqlite_app):  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    for topic in ("politics", "all"):
        assert runner.invoke(args=["digest", "build", "--topic", topic, "--date", "2025-07-05"]).exit_code == 0

    def render(topic: str, zone: str = "UTC", **kwargs: int) -> tuple[str, str]:
        with sqlite_app.app_context(), db.get_engine().connect() as conn:
            record = digest_store.get(conn, topic, "2025-07-05")
            assert record is not None
            msg = prepare(record, taxonomy=load_taxonomy(), sources=load_sources(), base_url=BASE,
                          zone=ZoneInfo(zone), **kwargs).message(TO)
        parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        text = parsed.get_body(preferencelist=("plain",))
        html = parsed.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        return text.get_content().replace("\r\n", "\n"), html.get_content()

    render.app = sqlite_app  # type: ignore[attr-defined]
    return render


def _story(text: str, title: str) -> str:
    """A story's lines in the text part: from its title to the next blank line."""
    start = text.index(f"* {title}")
    return text[start:text.index("\n\n", start)]


def test_each_story_shows_source_time_in_the_readers_zone_and_sources(built) -> None:  # type: ignore[no-untyped-def]
    text, html = built("politics", "Asia/Baku")
    story = _story(text, GAZA_A)
    assert "Eurasia Diary, 13:00" in story  # 09:00 UTC, in Baku
    assert "2 reports from 1 source" in story
    assert "Times are in Asia/Baku" in text and "Times are in Asia/Baku" in html
    assert re.search(r"Eurasia Diary, 13:00[^<]*2 reports from 1 source", html)
    utc_text, _ = built("politics", "UTC")
    assert "Eurasia Diary, 09:00" in _story(utc_text, GAZA_A)


def test_every_topic_gets_its_section_and_a_story_links_its_other_topics(built) -> None:  # type: ignore[no-untyped-def]
    text, html = built("all")
    sections = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert {"Politics", "World", "Business", "Conflict", "Sports", "Incidents"} <= set(sections)
    # a story is shown once, under the most particular of its topics, and names the others
    assert text.count(f"* {WRESTLER}") == 1
    sports = text[text.index("Sports\n------"):text.index("Incidents\n---------")]
    assert f"* {WRESTLER}" in sports  # not under World, the first of its topics
    story = _story(text, WRESTLER)
    assert "also in: World" in story
    assert re.search(r'also in: <a href="https://news.example.org/digests/all/2025-07-05#s-world"', html)
    page = built.app.test_client().get("/digests/all/2025-07-05").get_data(as_text=True)
    for slug in ("politics", "world", "business", "conflict", "sports", "incidents"):
        assert f'id="s-{slug}"' in page
    # shown in full once (with its details), and named under World, which points to it
    assert len(re.findall(re.escape(WRESTLER) + r'</a>\s*<span class="meta">', page)) == 1
    assert 'href="#s-world"' in page and 'under <a href="#s-sports">Sports</a>' in page
    assert "Eurasia Diary" in page and "2 reports from 1 source" in page


def test_what_is_left_out_is_named_by_topic_and_linked(built) -> None:  # type: ignore[no-untyped-def]
    text, html = built("all", max_stories=8)
    more = re.search(r"…and (\d+) more: (.*)", text)
    assert more, text
    counts = re.findall(r"(\d+) in ([A-Z][a-z]+) \(https://news.example.org/digests/all/2025-07-05#s-(\w+)\)",
                        more.group(2))
    assert counts and sum(int(n) for n, _, _ in counts) == int(more.group(1))
    assert re.search(r'<a href="https://news.example.org/digests/all/2025-07-05#s-\w+"[^>]*>\d+ in [A-Z]', html)
    # every section keeps at least one story when there is room for one each
    assert len(re.findall(r"<h2[^>]*>", html)) >= 6


def test_small_budgets_stay_under_the_clipping_size(built) -> None:  # type: ignore[no-untyped-def]
    for topic in ("politics", "all"):
        text, html = built(topic, "America/New_York")
        assert len(html.encode("utf-8")) <= MAX_HTML_BYTES
        assert "<" not in text.replace("<http", "")


def test_a_reader_gets_times_in_their_own_zone(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'z.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    add_readers(app, 1, name="baku", zone="Asia/Baku", hour=11)
    add_readers(app, 1, name="utc")
    assert send(app, at=SEND_AT.astimezone(UTC) + timedelta(hours=0)).exit_code == 0
    by_zone = {}
    for msg in mailbox.messages():
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        by_zone[msg["To"][:4]] = body.get_content().replace("\r\n", "\n")
    assert "Eurasia Diary, 13:00" in _story(by_zone["baku"], GAZA_A)
    assert "Eurasia Diary, 09:00" in _story(by_zone["utc0"], GAZA_A)
