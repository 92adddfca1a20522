"""What feed validators and readers ask of every document, checked here without them: every feed kind on the
seeds and on hostile content (tests/feed_samples.py), dates that keep their day, honest updated times."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from flask import Flask
from lxml import etree, html

from feedsvc.context import load_sources, load_taxonomy
from feedsvc.ingest import run as corpus
from feedsvc.store import db
from tests.feed_samples import documents, make_app

ATOM = "{http://www.w3.org/2005/Atom}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def docs(samples: Flask) -> list[tuple[str, bytes]]:
    return list(documents(samples))


def _xml(docs: list[tuple[str, bytes]], ext: str) -> list[tuple[str, etree._Element]]:
    return [(a, etree.fromstring(b)) for a, b in docs if a.partition("?")[0].endswith(ext)]


def test_every_kind_of_document_is_sampled(docs: list[tuple[str, bytes]]) -> None:
    addresses = [a for a, _ in docs]
    for needle in ("/feeds/all.xml", "/feeds/digests/all.atom", "/archive/0.json", "?q=election", "source=tass",
                   "/feeds.opml"):
        assert any(needle in a for a in addresses), needle


def test_links_come_before_the_first_entry(docs: list[tuple[str, bytes]]) -> None:
    for address, root in _xml(docs, ".xml") + _xml(docs, ".atom"):
        parent = root.find("channel") if root.tag == "rss" else root
        assert parent is not None
        tags = [child.tag for child in parent]
        entries = [i for i, t in enumerate(tags) if t in ("item", f"{ATOM}entry")]
        heads = [i for i, t in enumerate(tags) if t not in ("item", f"{ATOM}entry")]
        if entries:
            assert max(heads) < min(entries), address


def test_rss_writes_ampersand_and_less_than_as_hex_references(docs: list[tuple[str, bytes]]) -> None:
    rss = [(a, b) for a, b in docs if a.partition("?")[0].endswith(".xml")]
    assert any(b"&#x26;" in b for _, b in rss) and any(b"&#x3C;" in b for _, b in rss)
    for address, body in rss:
        assert b"&amp;" not in body and b"&lt;" not in body, address


def test_titles_and_descriptions_never_carry_live_markup(docs: list[tuple[str, bytes]]) -> None:
    """RSS title and description are read as HTML by most readers: text in them is escaped HTML, so a lede of
    ``<img src=x onerror=...>`` shows as text; Atom says type="html" for the same."""
    seen = Counter[str]()
    for address, root in _xml(docs, ".xml"):
        for el in [*root.iter("title"), *root.iter("description")]:
            fragment = html.fragment_fromstring(el.text or "", create_parent="div")
            assert [e.tag for e in fragment.iter()] == ["div"], (address, el.text)
            seen.update(t for t in ("<img", "<script>", "&amp;", "]]>") if t in fragment.text_content())
    for address, root in _xml(docs, ".atom"):
        for el in [*root.iter(f"{ATOM}title"), *root.iter(f"{ATOM}summary"), *root.iter(f"{ATOM}subtitle")]:
            assert el.get("type") == "html", (address, el.tag)
            fragment = html.fragment_fromstring(el.text or "", create_parent="div")
            assert [e.tag for e in fragment.iter()] == ["div"], (address, el.text)
        for name in root.iter(f"{ATOM}name"):
            assert not re.search(r"</?[A-Za-z]", name.text or ""), (address, name.text)
    assert set(seen) == {"<img", "<script>", "&amp;", "]]>"}  # the hostile text arrives, as text


def test_every_entry_has_a_summary_worth_reading(docs: list[tuple[str, bytes]]) -> None:
    for address, root in _xml(docs, ".atom"):
        for entry in root.iter(f"{ATOM}entry"):
            summary = entry.find(f"{ATOM}summary")
            assert summary is not None and (summary.text or "").strip(), address
    feed = json.loads(dict(docs)["/feeds/world.json"])
    headline = next(i for i in feed["items"] if i["title"] == "Building collapse in Pakistan kills 15")
    assert headline["summary"] == ("Headline from Eurasia Diary, 5 July 2025, 19:45 UTC+04:00. "
                                   "Topics: Incidents, World.")
    clustered = [i["summary"] for i in json.loads(dict(docs)["/feeds/all.json"])["items"]
                 if "Related coverage: " in i["summary"]]
    assert any("(APA)" in s and s.startswith("Headline from TASS") for s in clustered), clustered[:3]


def test_entries_of_one_ingest_keep_their_own_updated_times(docs: list[tuple[str, bytes]]) -> None:
    for address, root in _xml(docs, ".atom"):
        if "/digests/" in address:
            continue
        entries = list(root.iter(f"{ATOM}entry"))
        for entry in entries:
            assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published"), address
        stamps = [e.findtext(f"{ATOM}updated") for e in entries]
        assert len(set(stamps)) == len(stamps), address
    for item in json.loads(dict(docs)["/feeds/all.json"])["items"]:
        assert item["date_modified"] == item["date_published"]
        assert not item["date_modified"].startswith("2025-07-06T08:00")  # the ingest time of the samples


def test_updated_moves_only_when_content_changes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    folder = tmp_path / "more"
    folder.mkdir()
    story = {"title": "Parliament passes the budget", "published": "2025-07-05T09:00:00+00:00",
             "body": ["The parliament passed the budget."], "source": "apa", "topics": ["politics"]}
    path = folder / "story.jsonl"

    def ingest(now: datetime) -> str:
        with app.app_context():
            corpus.ingest(db.get_engine(), [folder], sources=load_sources(), taxonomy=load_taxonomy(),
                          max_bytes=10**6, authority="feedsvc.invalid", now=now)
        if "feedsvc.feed_cache" in app.extensions:  # as if the 1-second check interval had passed
            app.extensions["feedsvc.feed_cache"].checked = -math.inf
        items = json.loads(app.test_client().get("/feeds/politics.json").data)["items"]
        return str(next(i for i in items if i["title"] == story["title"])["date_modified"])

    path.write_text(json.dumps(story) + "\n")
    assert ingest(datetime(2025, 7, 6, 9, tzinfo=UTC)) == "2025-07-05T09:00:00Z"
    path.write_text(json.dumps(story) + "\n\n")  # the file changed, the story did not
    assert ingest(datetime(2025, 7, 6, 10, tzinfo=UTC)) == "2025-07-05T09:00:00Z"
    path.write_text(json.dumps({**story, "body": ["The parliament passed the budget, 80 to 20."]}) + "\n")
    assert ingest(datetime(2025, 7, 6, 11, tzinfo=UTC)) == "2025-07-06T11:00:00Z"


def test_a_day_precision_date_lands_on_its_day_in_every_zone(samples: Flask) -> None:
    """The TASS seed is dated 17 May 2017 and no time: it stands at noon in Moscow, so every reader within 11
    hours of Moscow (UTC-8 to UTC+14: the Americas' west coast to the Pacific's east) files it under 17 May, and
    the browser preview shows the day without a time."""
    client = samples.test_client()
    rss = etree.fromstring(client.get("/feeds/all.xml?limit=200").data)
    item = next(i for i in rss.iter("item") if "Kremlin" in (i.findtext("title") or ""))
    published = parsedate_to_datetime(item.findtext("pubDate") or "")
    for hours in range(-8, 15):
        assert published.astimezone(timezone(timedelta(hours=hours))).date().isoformat() == "2017-05-17", hours
    atom = feedparser.parse(client.get("/feeds/all.atom?limit=200").data)
    entry = next(e for e in atom.entries if "Kremlin" in e.title)
    assert entry.published.startswith("2017-05-17T09:00:00")  # noon in Moscow
    page = client.get("/feeds/all.xml?limit=200", headers={"Accept": BROWSER}).data.decode()
    line = next(x for x in page.split("<li>") if "Kremlin" in x)
    assert '<time datetime="2017-05-17">17 May 2017</time>' in line and "data-local" not in line, line


def test_gzip_follows_q_values(samples: Flask) -> None:
    client = samples.test_client()
    for header, gzipped in (("gzip", True), ("gzip;q=0", False), ("gzip; q=0.0, deflate", False),
                            ("*", True), ("*;q=0", False), ("gzip;q=0, *", False), ("deflate, *;q=0.1", True),
                            ("GZIP;Q=0.5", True), ("identity", False), ("x-gzip", True)):
        r = client.get("/feeds/politics.xml", headers={"Accept-Encoding": header})
        assert (r.headers.get("Content-Encoding") == "gzip") is gzipped, header
        assert r.headers["ETag"].endswith('-gz"') is gzipped, header


def test_digest_feeds_have_the_browser_preview(samples: Flask) -> None:
    client = samples.test_client()
    for topic in ("all", "politics"):
        r = client.get(f"/feeds/digests/{topic}.xml", headers={"Accept": BROWSER})
        assert r.status_code == 200 and r.mimetype == "text/html", topic
        assert "paste its address into a feed reader" in r.data.decode()
        assert client.get(f"/feeds/digests/{topic}.xml").mimetype == "application/rss+xml"


def test_opml_is_dated_by_the_newest_change_of_its_feeds(samples: Flask) -> None:
    client = samples.test_client()
    opml = etree.fromstring(client.get("/feeds.opml").data)
    created = parsedate_to_datetime(opml.findtext("head/dateCreated") or "")
    newest = max(parsedate_to_datetime(client.get(o.get("xmlUrl", "").replace("http://127.0.0.1:5000", ""))
                                       .headers["Last-Modified"]) for o in opml.iter("outline"))
    assert created == newest
    assert created.year == 2025
