"""The all-topics digest e-mail of a busy day: its size against the clipping limit, and rendering per zone.

    python bench/digest_email.py [--headlines 1000] [--zones 5]

A synthetic day (bench/digest.py's headlines) is spread over every topic, several per item, and built as the
all-topics digest. Reported, all in the same run:
- the HTML part's bytes against the budget the renderer keeps (MAX_HTML_BYTES) and Gmail's 102 KB clip,
  the text part's bytes, and how many stories and sections the e-mail keeps
- rendering once for one zone, then for ``--zones`` zones (a send renders once per digest and zone), against
  making one reader's copy from a rendering
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

ZONES = ["UTC", "Asia/Baku", "America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Sydney",
         "Asia/Kolkata", "America/Los_Angeles"]
GMAIL_CLIP = 102 * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--headlines", type=int, default=1000)
    parser.add_argument("--zones", type=int, default=5)
    args = parser.parse_args()
    from bench.digest import headlines
    from feedsvc.digests import jobs
    from feedsvc.ingest import run as corpus
    from feedsvc.mail import render
    from feedsvc.store import db
    from feedsvc.store import digests as digest_store
    from feedsvc.topics import sources as sources_mod
    from feedsvc.topics import taxonomy as topics

    taxonomy = topics.load()
    slugs = taxonomy.slugs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "day"
        folder.mkdir()
        (folder / "day.jsonl").write_text("\n".join(json.dumps({
            "title": t, "source": "apa", "topics": [slugs[k % len(slugs)], slugs[(k * 7 + 1) % len(slugs)]],
            "published": f"2025-07-05T{6 + k * 14 // args.headlines:02d}:{k % 60:02d}:00+00:00"})
            for k, t in enumerate(headlines(args.headlines))) + "\n", encoding="utf-8")
        engine = db.make_engine(f"sqlite:///{tmp}/email.sqlite3")
        db.upgrade(engine)
        sources = sources_mod.load(None, "UTC")
        corpus.ingest(engine, [folder], sources=sources, taxonomy=taxonomy, max_bytes=10**8,
                      authority="bench.invalid")
        jobs.build_digest(engine, taxonomy, topic="all", day=date(2025, 7, 5), zone=UTC, now=datetime.now(UTC))
        with engine.connect() as conn:
            record = digest_store.get(conn, "all", "2025-07-05")
        engine.dispose()
    assert record is not None
    d = record.digest

    def rendered(zone: str) -> render.Prepared:
        return render.prepare(record, taxonomy=taxonomy, sources=sources, base_url="https://news.example.org",
                              zone=ZoneInfo(zone))

    rendered("UTC")  # templates compiled once, as in a sending process
    started = time.perf_counter()
    one = rendered("UTC")
    single = time.perf_counter() - started
    started = time.perf_counter()
    for zone in ZONES[:args.zones]:
        rendered(zone)
    several = time.perf_counter() - started
    to = render.addressing("reader@example.com", 1, sender="Digest <digest@news.example.org>",
                           base_url="https://news.example.org", secret="bench")
    started = time.perf_counter()
    for _ in range(200):
        one.message_bytes(to)
    copy = (time.perf_counter() - started) / 200
    html, text = len(one.html.encode("utf-8")), len(one.text.encode("utf-8"))
    kept = one.html.count('class="story"')
    print(f"all-topics digest: {d.story_count} stories in {len(d.sections)} sections from {d.item_count} items")
    budget = render.MAX_HTML_BYTES
    print(f"e-mail HTML {html / 1000:.1f} KB = {html / budget:.2f} of the {budget // 1000} KB budget, "
          f"{html / GMAIL_CLIP:.2f} of Gmail's 102 KB clip; text {text / 1000:.1f} KB; "
          f"{kept} stories kept, {one.html.count('<h2')} sections shown")
    print(f"rendering: {single * 1000:.0f} ms for one zone, {several * 1000:.0f} ms for {args.zones} zones "
          f"({several / single:.1f}x); one reader's copy {copy * 1e6:.0f} µs "
          f"(a rendering costs {single / copy:.0f} copies)")


if __name__ == "__main__":
    main()
