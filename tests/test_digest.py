"""Daily digests: near-duplicates as one story, skipped days on record, the web archive and the feeds."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from feedsvc.digests.cluster import cluster, same_story, words

GAZA_A = "Trump says there could be Gaza deal next week"
GAZA_B = "Trump says Gaza ceasefire deal may come next week after ‘positive’ Hamas response"
TIKTOK = "Trump says US will start talks with China on TikTok deal this week"
PUTIN = "US president 'disappointed' over phone call with Putin"


def test_near_duplicates_are_one_story_and_namesakes_are_not() -> None:
    assert same_story(words(GAZA_A), words(GAZA_B))
    assert not same_story(words(GAZA_A), words(TIKTOK))
    assert not same_story(words(TIKTOK), words(PUTIN))
    assert cluster([GAZA_A, TIKTOK, GAZA_B, PUTIN]) == [[0, 2], [1], [3]]


def test_seed_news_line_has_one_merged_story(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    result = runner.invoke(args=["digest", "build", "--topic", "all", "--date", "2025-07-05"])
    assert result.exit_code == 0, result.output
    assert result.output == "digest all 2025-07-05: built, 34 stories from 35 items\n"


@pytest.fixture
def built(sqlite_app):  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    out = runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"]).output
    assert out.startswith("digest politics 2025-07-05: built, ")
    return sqlite_app


def test_politics_digest_page(built) -> None:  # type: ignore[no-untyped-def]
    client = built.test_client()
    page = client.get("/digests/politics/2025-07-05")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Politics digest, 5 July 2025</h1>" in text
    # the merged story leads (two headlines), its second headline listed beneath it
    lead = text.index("Trump says Gaza ceasefire deal may come next week")
    assert lead < text.index("Erdogan: US has crucial role") and GAZA_A in text
    assert "@" not in text  # no personal data on archive pages
    assert client.get("/digests/politics/2025-07-06").status_code == 404


def test_existing_digest_is_kept_and_empty_day_is_recorded(built) -> None:  # type: ignore[no-untyped-def]
    runner = built.test_cli_runner()
    again = runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"])
    assert "exists already" in again.output
    empty = runner.invoke(args=["digest", "build", "--topic", "sports", "--date", "2025-07-06"])
    assert empty.output == "digest sports 2025-07-06: skipped: no new items, 0 stories from 0 items\n"
    listing = built.test_client().get("/digests/").get_data(as_text=True)
    assert "Sports, 2025-07-06 <span class=\"meta\">skipped: no new items</span>" in listing
    assert 'href="/digests/politics/2025-07-05"' in listing


def test_catch_up_window_reaches_back_to_the_last_digest(built) -> None:  # type: ignore[no-untyped-def]
    runner = built.test_cli_runner()
    runner.invoke(args=["digest", "build", "--topic", "world", "--date", "2025-07-03"])  # skipped, ends 4 July 00:00
    out = runner.invoke(args=["digest", "build", "--topic", "world", "--date", "2025-07-05"]).output
    # 4 July was never built: the 5 July digest covers it too
    one_day = runner.invoke(args=["digest", "build", "--topic", "world", "--date", "2025-07-05", "--dry-run"])
    assert "exists already" in one_day.output
    count = int(out.split(" from ")[1].split()[0])
    # every headline of 4 and 5 July but the two that are sports only, the site's own security academy, and
    # the fire on a plane whose place names no country
    assert count == 36


def test_digest_feed(built) -> None:  # type: ignore[no-untyped-def]
    client = built.test_client()
    for fmt in ("xml", "atom"):
        parsed = feedparser.parse(client.get(f"/feeds/digests/politics.{fmt}").data)
        assert not parsed.bozo
        assert [e.id for e in parsed.entries] == ["tag:feedsvc.invalid,2025-07-05:digest/politics"]
        assert parsed.entries[0].title.startswith("Politics digest, 5 July 2025: ")
        assert parsed.entries[0].link == "http://127.0.0.1:5000/digests/politics/2025-07-05"
    doc = json.loads(client.get("/feeds/digests/politics.json").data)
    assert doc["items"][0]["url"] == "http://127.0.0.1:5000/digests/politics/2025-07-05"
    assert client.get("/feeds/digests/nosuch.xml").status_code == 404


def test_preview_writes_the_page(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "preview.html"
    result = built.test_cli_runner().invoke(args=["digest", "preview", "--topic", "politics", "--date",
                                                  "2025-07-05", "--output", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Politics digest, 5 July 2025" in html and "Unsubscribe" in html and 'role="presentation"' in html
    bad = built.test_cli_runner().invoke(args=["digest", "build", "--topic", "astrology", "--date", "2025-07-05"])
    assert bad.exit_code != 0 and "no topic 'astrology'" in bad.output
