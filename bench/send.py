"""Sending a digest to many subscribers through a local aiosmtpd server, against a naive loop.

    python bench/send.py [--subscribers 10000] [--naive 2000]

The digest is built from a synthetic day of 1,000 headlines (bench/digest.py), so every message is a full
one (20 stories, some 60 KB). The SMTP server runs in its own process and discards what it accepts.
Reported, all in the same run:
- the ledger-backed sender (one connection per FEEDSVC_SMTP_BATCH messages): messages per second and
  connections opened, each in a fresh process so its peak RSS is its own, at two audience sizes
- a naive loop that renders the same messages and opens one SMTP connection per message (no ledger)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SEND_AT = "2025-07-06T07:30:00+00:00"


def serve(port: int, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    from aiosmtpd.controller import Controller

    class Discard:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            return "250 2.0.0 ok"

    controller = Controller(Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def prepare_store(folder: Path, subscribers: int) -> str:
    """A store holding the politics digest of a 1,000-headline day and ``subscribers`` active readers."""
    from bench.digest import headlines
    from feedsvc.digests import jobs
    from feedsvc.ingest import run as corpus
    from feedsvc.store import db
    from feedsvc.store.schema import subscribers as table
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    day = folder / "day"
    day.mkdir()
    titles = headlines(1000)
    (day / "day.jsonl").write_text("\n".join(json.dumps({
        "title": t, "source": "apa", "topics": ["politics"],
        "published": f"2025-07-05T{6 + k * 14 // 1000:02d}:{k % 60:02d}:00+00:00"})
        for k, t in enumerate(titles)) + "\n", encoding="utf-8")
    url = f"sqlite:///{folder / 'send.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    taxonomy = topics.load()
    corpus.ingest(engine, [day], sources=sources.load(None, "UTC"), taxonomy=taxonomy, max_bytes=10**8,
                  authority="bench.invalid")
    jobs.build_digest(engine, taxonomy, topic="politics", day=date(2025, 7, 5), zone=UTC, now=datetime.now(UTC))
    joined = datetime(2025, 7, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"email": f"reader{i:06d}@example.com", "topics": '["politics"]', "hour": 7,
                                       "zone": "UTC", "status": "active", "created_at": joined, "changed_at": joined}
                                      for i in range(subscribers)])
    engine.dispose()
    return url


def run_sender(url: str, port: int) -> dict[str, float]:
    """In a child process: the real sender, as `flask digest send` runs it. Prints its figures as JSON."""
    code = f"""
import json, resource, time
from datetime import datetime
from feedsvc import create_app
from feedsvc.mail import configured
from feedsvc.store import db
app = create_app({{"DATABASE_URL": {url!r}, "SMTP_URL": "smtp://127.0.0.1:{port}",
                  "BASE_URL": "https://news.example.org", "MAIL_FROM": "Digest <digest@news.example.org>"}})
with app.app_context():
    sender = configured.sender(db.get_engine(), "bench")
    started = time.perf_counter()
    report = sender.run_once(datetime.fromisoformat({SEND_AT!r}))
    seconds = time.perf_counter() - started
print(json.dumps({{"sent": report.outcomes["sent"], "seconds": seconds,
                   "connections": sender.transport.connections,
                   "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=HERE.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_naive(url: str, port: int, count: int) -> dict[str, float]:
    """The same messages, one new SMTP connection each, no ledger."""
    from feedsvc.mail import render
    from feedsvc.store import db
    from feedsvc.store import digests as digest_store
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    engine = db.make_engine(url)
    with engine.connect() as conn:
        record = digest_store.get(conn, "politics", "2025-07-05")
    assert record is not None
    started = time.perf_counter()
    for i in range(count):
        email = f"reader{i:06d}@example.com"
        to = render.addressing(email, i, sender="Digest <digest@news.example.org>",
                               base_url="https://news.example.org", secret="bench")
        message = render.digest_email(record, to, taxonomy=topics.load(), sources=sources.load(None, "UTC"),
                                      base_url="https://news.example.org")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("digest@news.example.org", [email], message.as_bytes())
    seconds = time.perf_counter() - started
    return {"sent": count, "seconds": seconds, "connections": count,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000, help="a smaller audience, to compare peak memory")
    parser.add_argument("--naive", type=int, default=2_000, help="messages for the naive loop")
    args = parser.parse_args()
    from tests.e2e import free_port

    port = free_port()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, ready), daemon=True)
    server.start()
    ready.wait(10)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = {}
            for n in (args.small, args.subscribers):
                folder = Path(tmp) / f"n{n}"
                folder.mkdir()
                url = prepare_store(folder, n)
                results[n] = run_sender(url, port)
                r = results[n]
                print(f"sender, {n:,} subscribers: {r['sent']:,.0f} sent in {r['seconds']:.1f} s = "
                      f"{r['sent'] / r['seconds']:,.0f} msg/s over {r['connections']:.0f} connections; "
                      f"peak RSS {r['rss_mb']:.0f} MB")
            naive = run_naive(url, port, args.naive)
            rate = naive["sent"] / naive["seconds"]
            best = results[args.subscribers]
            print(f"naive loop, connection per message: {naive['sent']:,.0f} sent in {naive['seconds']:.1f} s = "
                  f"{rate:,.0f} msg/s")
            print(f"sender / naive: {best['sent'] / best['seconds'] / rate:.2f}x; peak RSS "
                  f"{results[args.small]['rss_mb']:.0f} MB at {args.small:,} vs {best['rss_mb']:.0f} MB at "
                  f"{args.subscribers:,} subscribers")
    finally:
        server.terminate()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
