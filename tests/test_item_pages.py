"""Item pages lead on: the source, the news line around the item, its story, related coverage, its feeds."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from feedsvc import create_app
from feedsvc.store import db
from tests.conftest import SEEDS

GAZA_A = "Trump says there could be Gaza deal next week"
GAZA_B = "Trump says Gaza ceasefire deal may come next week after ‘positive’ Hamas response"
WIRE = "Lavrov and Trump discuss a Washington visit"


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "wire.jsonl").write_text(json.dumps({
        "title": WIRE, "published": "2025-07-05T12:20:00+03:00", "source": "tass",
        "url": "https://tass.com/politics/100"}) + "\n", encoding="utf-8")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'items.sqlite3'}", "CORPUS_DIR": str(corpus),
                      "TESTING": True})
    with app.app_context():
        db.upgrade(db.get_engine())
    assert app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    return app


def _page(client, title: str) -> str:  # type: ignore[no-untyped-def]
    """The page of the headline called ``title``, found as a reader would: in the JSON Feed of every topic."""
    feed = json.loads(client.get("/feeds/all.json?limit=200").get_data(as_text=True))
    found = [item["url"] for item in feed["items"] if item["title"] == title]
    assert found, title
    path = "/headlines/" + found[0].rsplit("/headlines/", 1)[1]
    return str(client.get(path).get_data(as_text=True))


def test_headline_page_leads_to_its_source_news_line_story_and_feeds(tmp_path: Path) -> None:
    app = _app(tmp_path)
    page = _page(app.test_client(), GAZA_A)
    # the source, with its site's address
    assert '<a href="https://ednews.net" rel="noopener">Eurasia Diary</a>' in page
    # the news line it came from: the source's other headlines of that hour, and no others
    line = page[page.index('id="newsline"'):]
    line = line[:line.index("</section>")]
    assert "Azerbaijan and Pakistan ink memo in Khankendi" in line and "Putin" in line
    assert "Equatorial Guinea" not in line and GAZA_A not in line
    # the story's cluster: the other report of the same story
    story = page[page.index('id="story"'):]
    assert GAZA_B in story[:story.index("</section>")]
    # the feeds it appears in
    feeds = page[page.index('id="feeds"'):]
    topics = re.findall(r'class="topic" href="/topics/([a-z-]+)"', page[:page.index('id="story"')])
    assert "politics" in topics
    for slug in topics:
        assert f'href="/feeds/{slug}.xml"' in feeds, slug
    assert 'href="/feeds/all.xml?source=eurasia-diary"' in feeds


def test_headline_page_links_the_original_and_coverage_across_years(tmp_path: Path) -> None:
    app = _app(tmp_path)
    page = _page(app.test_client(), WIRE)
    assert '<a href="https://tass.com/politics/100" rel="noopener">' in page
    related = page[page.index('id="related"'):]
    assert "All contacts with US leader important" in related  # the TASS article of 2017
