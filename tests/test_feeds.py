"""Feeds that every reader accepts: formats, validators, caching, canonical addresses, hostile content."""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from feedsvc import create_app
from feedsvc.context import load_sources, load_taxonomy
from feedsvc.ingest import run as corpus
from feedsvc.store import db
from tests.conftest import SEEDS

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "data" / "feeds"
FORMATS = {"xml": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}


def make_app(url: str, **config: str):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": url, "CORPUS_DIR": str(SEEDS), **config})
    with app.app_context():
        engine = db.get_engine()
        db.upgrade(engine)
        corpus.ingest(engine, [SEEDS], sources=load_sources(), taxonomy=load_taxonomy(), max_bytes=10**7,
                      authority="feedsvc.invalid", now=NOW)
    return app


@pytest.fixture
def feeds_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path / 'feeds.sqlite3'}")
    yield app
    app.extensions["feedsvc.engine"].dispose()


@pytest.mark.parametrize("fmt", ["xml", "atom", "json"])
def test_golden_politics_feed(feeds_app, fmt: str) -> None:  # type: ignore[no-untyped-def]
    body = feeds_app.test_client().get(f"/feeds/politics.{fmt}").data
    golden = GOLDEN / f"politics.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(body)
    assert body.decode() == golden.read_text(encoding="utf-8"), "set UPDATE_GOLDEN=1 to rewrite"


def test_same_bytes_from_postgresql(feeds_app, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    pg_app = make_app(pg_url)
    try:
        for fmt in FORMATS:
            assert pg_app.test_client().get(f"/feeds/politics.{fmt}").data == \
                feeds_app.test_client().get(f"/feeds/politics.{fmt}").data
    finally:
        pg_app.extensions["feedsvc.engine"].dispose()


def test_every_topic_parses_clean(feeds_app) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    with feeds_app.app_context():
        slugs = ["all", *load_taxonomy().slugs]
    for slug in slugs:
        for fmt in ("xml", "atom"):
            r = client.get(f"/feeds/{slug}.{fmt}")
            assert r.status_code == 200 and r.content_type == f"{FORMATS[fmt]}; charset=utf-8"
            parsed = feedparser.parse(r.data)
            assert not parsed.bozo, (slug, fmt, parsed.get("bozo_exception"))
            assert parsed.entries, slug
            for e in parsed.entries:
                assert e.id.startswith("tag:feedsvc.invalid,")
                assert e.link.startswith("http://127.0.0.1:5000/")
            self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
            assert self_links == [f"http://127.0.0.1:5000/feeds/{slug}.{fmt}"]
    rss = etree.fromstring(client.get("/feeds/politics.xml").data)
    assert {g.get("isPermaLink") for g in rss.iter("guid")} == {"false"}
    assert rss.find("channel/ttl").text == "10"


def test_json_feed_fields(feeds_app) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(feeds_app.test_client().get("/feeds/politics.json").data)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == "http://127.0.0.1:5000/feeds/politics.json"
    assert "author" not in doc and doc["authors"] == [{"name": "feedsvc"}]
    for item in doc["items"]:
        assert item["id"].startswith("tag:") and item["url"].startswith("http://127.0.0.1:5000/")
        assert "content_html" in item or "content_text" in item
        assert "author" not in item
        if "date_published" in item:
            assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
    article = next(i for i in doc["items"] if i["title"].startswith("All contacts with US leader"))
    assert "<figcaption>US President Donald Trump" in article["content_html"]
    assert "SOCHI (TASS) —" in article["content_html"]
    assert article["authors"] == [{"name": "TASS"}]
    assert "Politics" in article["tags"]


def test_conditional_get_gzip_and_head(feeds_app) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    first = client.get("/feeds/politics.xml")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    assert first.headers["Vary"] == "Accept, Accept-Encoding"
    again = client.get("/feeds/politics.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Last-Modified"] == modified
    assert client.get("/feeds/politics.xml", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/feeds/politics.xml", headers={"If-None-Match": '"other"'}).status_code == 200
    zipped = client.get("/feeds/politics.xml", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data
    assert zipped.headers["ETag"] != etag
    assert client.get("/feeds/politics.xml", headers={"Accept-Encoding": "gzip",
                                                      "If-None-Match": zipped.headers["ETag"]}).status_code == 304
    head = client.head("/feeds/politics.xml")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag


def test_unknown_topic_is_a_helpful_404(feeds_app) -> None:  # type: ignore[no-untyped-def]
    r = feeds_app.test_client().get("/feeds/astrology.xml")
    assert r.status_code == 404
    assert "There is no topic “astrology”" in r.get_data(as_text=True)
    assert "politics" in r.get_data(as_text=True)


def test_parameters_are_canonical(feeds_app) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    odd = feedparser.parse(client.get("/feeds/politics.atom?zzz=1&limit=005").data)
    assert [link.href for link in odd.feed.links if link.rel == "self"] == \
        ["http://127.0.0.1:5000/feeds/politics.atom?limit=5"]
    assert len(odd.entries) == 5
    capped = feedparser.parse(client.get("/feeds/all.xml?limit=100000").data)
    assert len(capped.entries) == 42
    search = feedparser.parse(client.get("/feeds/all.xml?q=++gaza+").data)
    assert len(search.entries) == 5 and all("gaza" in e.title.lower() for e in search.entries)
    assert [link.href for link in search.feed.links if link.rel == "self"] == \
        ["http://127.0.0.1:5000/feeds/all.xml?q=gaza"]
    tass = feedparser.parse(client.get("/feeds/all.xml?source=TASS").data)
    assert [e.title[:20] for e in tass.entries] == ["All contacts with US"]


def test_ids_survive_a_new_base_url(feeds_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = feeds_app.config["FEEDSVC"]["DATABASE_URL"]
    moved = create_app({"DATABASE_URL": url, "BASE_URL": "https://news.example.org"})
    old = feedparser.parse(feeds_app.test_client().get("/feeds/all.atom").data)
    new = feedparser.parse(moved.test_client().get("/feeds/all.atom").data)
    assert [e.id for e in old.entries] == [e.id for e in new.entries]
    assert all(e.link.startswith("https://news.example.org/") for e in new.entries)


def test_ingest_invalidates_cached_feeds(feeds_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    before = client.get("/feeds/sports.xml")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "s.jsonl").write_text(json.dumps({"title": "Qarabag win the league title", "source": "apa",
                                               "published": "2025-07-06T09:00:00+04:00"}) + "\n", encoding="utf-8")
    other_process = make_app(feeds_app.config["FEEDSVC"]["DATABASE_URL"])  # the ingest runs elsewhere
    with other_process.app_context():
        corpus.ingest(db.get_engine(), [extra], sources=load_sources(), taxonomy=load_taxonomy(),
                      max_bytes=10**6, authority="feedsvc.invalid", now=NOW)
    feeds_app.extensions["feedsvc.feed_cache"].checked = 0.0  # as if the 1-second check interval had passed
    after = client.get("/feeds/sports.xml", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Qarabag win the league title" in after.get_data(as_text=True)


def test_rendering_twice_gives_the_same_bytes(feeds_app) -> None:  # type: ignore[no-untyped-def]
    first = feeds_app.test_client().get("/feeds/all.atom").data
    feeds_app.extensions["feedsvc.feed_cache"].items.clear()
    assert feeds_app.test_client().get("/feeds/all.atom").data == first


def test_browser_gets_a_preview_and_readers_get_xml(feeds_app) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    browser = client.get("/feeds/politics.xml", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.content_type == "text/html; charset=utf-8"
    assert "paste its address into a feed reader" in browser.get_data(as_text=True)
    assert "Content-Security-Policy" in browser.headers
    reader = client.get("/feeds/politics.xml", headers={
        "Accept": "application/atom+xml,application/rdf+xml,application/rss+xml,application/xml;q=0.9,*/*;q=0.1"})
    assert reader.content_type == "application/rss+xml; charset=utf-8"
    assert client.get("/feeds/politics.xml", headers={"Accept": "*/*"}).data == reader.data


def test_opml_lists_every_topic(feeds_app) -> None:  # type: ignore[no-untyped-def]
    r = feeds_app.test_client().get("/feeds.opml")
    doc = etree.fromstring(r.data)
    urls = [o.get("xmlUrl") for o in doc.iter("outline")]
    assert "http://127.0.0.1:5000/feeds/politics.xml" in urls and "http://127.0.0.1:5000/feeds/all.xml" in urls
    assert len(urls) == 7


def test_pages_link_their_feeds(feeds_app) -> None:  # type: ignore[no-untyped-def]
    client = feeds_app.test_client()
    topic = client.get("/topics/politics").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" title="Politics (Atom)" ' \
           'href="http://127.0.0.1:5000/feeds/politics.atom">' in topic
    assert 'value="http://127.0.0.1:5000/feeds/politics.xml"' in topic
    feed = feedparser.parse(client.get("/feeds/politics.xml").data)
    article = next(e for e in feed.entries if e.title.startswith("All contacts"))
    page = client.get(article.link.replace("http://127.0.0.1:5000", ""))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "SOCHI (TASS) —" in text and "© Alexander Shcherbak/TASS" in text
    assert '<time datetime="2017-05-17">17 May 2017</time>' in text  # the source's calendar day, not UTC's
    headline = next(e for e in feed.entries if e.title.startswith("Erdogan"))
    assert client.get(headline.link.replace("http://127.0.0.1:5000", "")).status_code == 200
    assert client.get("/articles/nosuchid").status_code == 404


def test_related_coverage_links_the_two_seeds(feeds_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "other"
    extra.mkdir()
    (extra / "budget.txt").write_text(
        "Turkish parliament approves budget\n\nANKARA, March 3 (AA) - The Turkish parliament approved the budget "
        "after Finance Minister Mehmet Simsek presented it to Erdogan and the Ankara lawmakers.\n\n"
        "Simsek said Erdogan and the Ankara lawmakers backed the plan.\n", encoding="utf-8")
    with feeds_app.app_context():
        corpus.ingest(db.get_engine(), [extra], sources=load_sources(), taxonomy=load_taxonomy(),
                      max_bytes=10**6, authority="feedsvc.invalid", now=NOW)
    client = feeds_app.test_client()
    feed = feedparser.parse(client.get("/feeds/all.xml").data)
    pages = {e.title: e.link.replace("http://127.0.0.1:5000", "") for e in feed.entries if "/articles/" in e.link}

    def page_of(prefix: str) -> str:
        return next(link for title, link in pages.items() if title.startswith(prefix))

    tass, ednews, other = page_of("All contacts with US"), page_of("No doubt, Trump"), page_of("Turkish parliament")
    tass_page = client.get(tass).get_data(as_text=True)
    ednews_page = client.get(ednews).get_data(as_text=True)
    assert "Related coverage" in tass_page and ednews in tass_page
    assert "Related coverage" in ednews_page and tass in ednews_page
    assert "Related coverage" not in client.get(other).get_data(as_text=True)
    assert other not in tass_page


def test_what_the_w3c_validator_warns_about(feeds_app) -> None:  # type: ignore[no-untyped-def]
    """The warnings that catch most feeds, checked on every topic in RSS and Atom."""
    client = feeds_app.test_client()
    atom_ns = "{http://www.w3.org/2005/Atom}"
    with feeds_app.app_context():
        slugs = ["all", *load_taxonomy().slugs]
    for slug in slugs:
        rss = etree.fromstring(client.get(f"/feeds/{slug}.xml").data)
        channel = rss.find("channel")
        assert [link.get("href") for link in channel.findall(f"{atom_ns}link") if link.get("rel") == "self"] == \
            [f"http://127.0.0.1:5000/feeds/{slug}.xml"]
        guids = [g.text for g in channel.iter("guid")]
        assert len(guids) == len(set(guids)), "duplicate ids"
        for item in channel.findall("item"):
            assert item.find("guid").get("isPermaLink") == "false"
            assert item.find("author") is None  # RSS author must be an e-mail address
            date = item.findtext("pubDate")
            assert date is None or re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000",
                                                date), date
            html_text = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
            assert "<script" not in html_text and " on" not in html_text.split(">")[0]
            for url in re.findall(r'(?:href|src)="([^"]*)"', html_text):
                assert url.startswith(("http://", "https://")), url
        atom = etree.fromstring(client.get(f"/feeds/{slug}.atom").data)
        ids = [e.findtext(f"{atom_ns}id") for e in atom.findall(f"{atom_ns}entry")]
        assert len(ids) == len(set(ids))
        for entry in atom.findall(f"{atom_ns}entry"):
            assert entry.find(f"{atom_ns}updated") is not None and entry.find(f"{atom_ns}title").text
