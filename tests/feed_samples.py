"""Every kind of feed the server publishes, on the seeds and on hostile content, written out as files.

    python -m tests.feed_samples OUT_DIR

writes one file per document (topic feeds, all, searches, archives, digest feeds, OPML) for external
validators; tests call ``documents`` to check the same documents themselves.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

from feedsvc import create_app
from feedsvc.context import load_sources, load_taxonomy
from feedsvc.digests import jobs
from feedsvc.ingest import run as corpus
from feedsvc.store import db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
ARCHIVE_SPAN = 5
HOSTILE = ["]]> closes nothing", "<script>alert(1)</script> in a title", "Fish & chips < 5 > 3 \"quoted\" 'too'",
           "control \x01\x0b\x1f characters", "lone \ud800 surrogate", "مرحبا بالعالم \u202e right to left",
           "&amp; &lt; &#0; &#xD800; entities", "<img src=x onerror=alert(1)> image", "x" * 4000]


def hostile_lines() -> str:
    """JSON Lines of stories whose every field is hostile, each in one of the default topics."""
    lines = []
    for n, text in enumerate(HOSTILE):
        lines.append(json.dumps({
            "title": f"{text} election {n}", "published": f"2025-07-05T{10 + n:02d}:07:00+00:00",
            "body": [f"The election {text} paragraph {n}.", f"Second {text}."], "summary": f"Lede {text} {n}",
            "url": f"https://example.org/story/{n}", "source": "apa", "topics": ["politics"],
            "author": f"Reporter {text}"[:200]}))
        lines.append(json.dumps({"title": f"Headline {text} {n}", "kind": "headline", "source": "tass",
                                 "published": f"2025-07-05T{10 + n:02d}:37:00+03:00", "topics": ["world"]}))
    return "\n".join(lines) + "\n"


def make_app(folder: Path, **config: object) -> Flask:
    """An app over a SQLite store in ``folder`` holding the seeds, hostile stories and built digests."""
    corpus_dir = folder / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    (corpus_dir / "hostile.jsonl").write_text(hostile_lines(), encoding="utf-8")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'samples.sqlite3'}", "CORPUS_DIR": str(SEEDS),
                      "ARCHIVE_SPAN": ARCHIVE_SPAN, **config})
    with app.app_context():
        engine = db.get_engine()
        db.upgrade(engine)
        corpus.ingest(engine, [SEEDS, corpus_dir], sources=load_sources(), taxonomy=load_taxonomy(),
                      max_bytes=10**7, authority="feedsvc.invalid", now=NOW)
        for topic in ("all", *load_taxonomy().slugs):
            jobs.build_digest(engine, load_taxonomy(), topic=topic, day=date(2025, 7, 5), zone=ZoneInfo("UTC"),
                              now=NOW)
    return app


def addresses(app: Flask) -> Iterator[str]:
    """Every feed document of the store: each topic and all in each format, searches, archives, digests."""
    with app.app_context():
        slugs = ["all", *load_taxonomy().slugs]
    for fmt in ("xml", "atom", "json"):
        for slug in slugs:
            yield f"/feeds/{slug}.{fmt}"
            yield f"/feeds/digests/{slug}.{fmt}"
        yield f"/feeds/all.{fmt}?q=election"
        yield f"/feeds/politics.{fmt}?q=script&limit=5"
        yield f"/feeds/all.{fmt}?source=tass"
        yield f"/feeds/all.{fmt}?q=nothing+matches+this"
    client = app.test_client()
    for slug in slugs:
        for fmt in ("xml", "atom", "json"):
            page = 0
            while client.get(f"/feeds/{slug}/archive/{page}.{fmt}").status_code == 200:
                yield f"/feeds/{slug}/archive/{page}.{fmt}"
                page += 1
    yield "/feeds.opml"


def documents(app: Flask) -> Iterator[tuple[str, bytes]]:
    """(address, body) of every feed document, as a reader fetches it."""
    client = app.test_client()
    for address in addresses(app):
        response = client.get(address)
        assert response.status_code == 200, address
        yield address, response.data


def file_name(address: str) -> str:
    """A file name for an address that keeps its format's extension last."""
    path, _, query = address.partition("?")
    stem, _, ext = path.strip("/").replace("/", "_").rpartition(".")
    if query:
        stem += "_" + "".join(c if c.isalnum() else "-" for c in query)
    return f"{stem}.{'rss' if ext == 'xml' else ext}"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = make_app(out / "store")
    count = 0
    for address, body in documents(app):
        if address.endswith(".opml"):
            continue  # not a feed: validators of feeds do not read OPML
        (out / file_name(address)).write_bytes(body)
        count += 1
    print(f"wrote {count} feed documents to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
