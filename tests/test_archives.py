"""RFC 5005 archives: the subscription feed plus its archive pages hold every item, and closed pages never change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
from sqlalchemy import func, select

from feedsvc import create_app
from feedsvc.context import load_sources, load_taxonomy
from feedsvc.ingest import run as corpus
from feedsvc.store import db
from feedsvc.store.schema import item_topics, items
from tests.conftest import SEEDS

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:5000"


def ingest(app, paths) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        corpus.ingest(db.get_engine(), paths, sources=load_sources(), taxonomy=load_taxonomy(), max_bytes=10**6,
                      authority="feedsvc.invalid", now=NOW)


def walk(client, start: str) -> tuple[list[str], list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Entry ids of the subscription document, entry ids of every archive page reachable from it by
    prev-archive links, and the archive addresses visited."""
    current, archived, pages, url = [], [], [], start
    while url:
        r = client.get(url.replace(BASE, ""))
        assert r.status_code == 200, url
        parsed = feedparser.parse(r.data)
        assert not parsed.bozo
        (archived if pages else current).extend(e.id for e in parsed.entries)
        prev = [link.href for link in parsed.feed.links if link.rel == "prev-archive"]
        url = prev[0] if prev else ""
        if url:
            pages.append(url)
            assert b"<fh:archive/>" in client.get(url.replace(BASE, "")).data
    return current, archived, pages


def test_archives_hold_every_item_once(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "ARCHIVE_SPAN": 10})
    with app.app_context():
        db.upgrade(db.get_engine())
    ingest(app, [SEEDS])
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "more.jsonl").write_text("\n".join(json.dumps({
        "title": f"Older politics story {n} about the parliament", "source": "apa",
        "published": f"2020-01-{n + 1:02d}T10:00:00+04:00"}) for n in range(25)) + "\n", encoding="utf-8")
    ingest(app, [extra])
    client = app.test_client()
    with app.app_context(), db.get_engine().connect() as conn:
        per_topic = dict(conn.execute(select(item_topics.c.topic, func.count()).group_by(item_topics.c.topic)).all())
        total = conn.execute(select(func.count()).select_from(items)).scalar_one()
    for topic, count in [("all", total), *per_topic.items()]:
        current, archived, _ = walk(client, f"{BASE}/feeds/{topic}.atom")
        assert len(archived) == len(set(archived)), f"{topic}: an item on two archive pages"
        assert len(set(current) | set(archived)) == count, f"{topic}: an item in neither feed nor archive"
    _, _, pages = walk(client, f"{BASE}/feeds/politics.xml")
    assert pages and all("/feeds/politics/archive/" in p for p in pages)
    closed = {p: client.get(p.replace(BASE, "")).data for p in pages}
    (extra / "newer.jsonl").write_text(json.dumps({"title": "Brand new politics story about the parliament",
                                                   "source": "apa", "published": "2025-07-06T10:00:00+04:00"}) + "\n",
                                       encoding="utf-8")
    ingest(app, [extra])
    app.extensions["feedsvc.feed_cache"].items.clear()
    assert {p: client.get(p.replace(BASE, "")).data for p in pages} == closed  # closed pages never change
    newest = feedparser.parse(client.get("/feeds/politics.atom").data)
    assert newest.entries[0].title == "Brand new politics story about the parliament"


def test_open_and_empty_pages_are_404(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "ARCHIVE_SPAN": 10})
    with app.app_context():
        db.upgrade(db.get_engine())
    ingest(app, [SEEDS])
    client = app.test_client()
    assert client.get("/feeds/all/archive/4.xml").status_code == 404  # ids 40-49: still open
    assert client.get("/feeds/all/archive/0.xml").status_code == 200
    assert client.get("/feeds/nosuch/archive/0.xml").status_code == 404
    archive = client.get("/feeds/all/archive/1.json")
    doc = json.loads(archive.data)
    assert doc["feed_url"] == f"{BASE}/feeds/all/archive/1.json" and doc["next_url"] == f"{BASE}/feeds/all/archive/0.json"
    assert archive.headers["Cache-Control"] == "public, max-age=86400"
    limited = feedparser.parse(client.get("/feeds/all.xml?limit=5").data)
    assert len(limited.entries) == 5 and not [x for x in limited.feed.links if x.rel == "prev-archive"]
