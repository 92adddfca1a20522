"""A probe of hostile input, failing mail servers and forged links, printing what was tried and what held.

    python bench/hostile.py [--pages 300]

- ingest: a corpus of good pages with hostile JSON Lines values in every field, hostile metadata values in
  every key, and files that are not small regular files (over the cap, a FIFO, /dev/zero), ingested with
  helper processes; counted: inputs tried, recorded as failures, runs that ended with a summary, good files
  stored
- mail: readers whose mail server refuses at MAIL, RCPT and DATA (4xx, 5xx, 421), at the end of the message,
  or who have non-ASCII addresses, sent through the back-off schedule until nothing is due; counted: copies
  received per reader (duplicates), and ledger rows whose state does not match what the server said
- links: unsubscribe, preferences and confirmation links forged with another key, moved to another purpose,
  altered in each character, cut short, and confirmation links used twice or after unsubscribing; counted:
  tried and refused
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
SEND_AT = datetime(2025, 7, 6, 7, 30, tzinfo=UTC)
ODD_VALUES = [None, True, 0, -1, 10**30, 1.5, float("inf"), "", " ", "\x00", "\ud800", "x" * 5000, [], [None],
              [1, 2], {}, {"a": 1}, "9999-12-31T23:59:00-05:00", "0001-01-01T00:10:00+05:00", "0001-01-01",
              "31.12.9999 23:59", "javascript:alert(1)", "2 hours ago", "<script>alert(1)</script>"]
RAW_NUMBERS = ["9" * 5000, "-" + "1" * 5000, "1e999", "NaN"]
META_VALUES = ['"x"', "0", "9" * 5000, "1e999", "nan", "true", "[]", '["a", 1]', "{a = 1}", "23:59:00",
               "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:00-05:00", "0001-01-01", "9999-12-31",
               "0001-01-01T00:10:00", '"javascript:alert(1)"', '"\\u0000"', '"2 hours ago"']
PAGE = ("Story {n}: ministers agree a regional energy plan\n\nPolitics 10:{m:02d} 01.03.2024\n\n"
        "The leaders of the region met on Friday for story {n}, officials said.\n\n"
        "They agreed to meet again next month in the capital.\n")


def _json_line(field: str, value: object) -> str:
    body = json.dumps({"title": "A good title", "body": "A paragraph."})[:-1]
    return body + f", {json.dumps(field)}: " + (value if isinstance(value, str) and value in RAW_NUMBERS
                                                 else json.dumps(value)) + "}"


def probe_ingest(folder: Path, pages: int) -> dict[str, int]:
    from feedsvc.ingest import jsonl, meta
    from feedsvc.ingest import run as corpus
    from feedsvc.store import db
    from feedsvc.store.schema import files
    from feedsvc.topics import sources, taxonomy

    corpus_dir = folder / "corpus"
    corpus_dir.mkdir()
    for n in range(pages):
        (corpus_dir / f"p{n:04d}.txt").write_text(PAGE.format(n=n, m=n % 60), encoding="utf-8")
    lines = [_json_line(f, v) for f in sorted(jsonl._KNOWN) for v in [*ODD_VALUES, *RAW_NUMBERS]]
    (corpus_dir / "p0150.jsonl").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    hostile_pages = 0
    for key in sorted(meta._FIELDS):
        for value in META_VALUES:
            name = f"m{hostile_pages:04d}"
            (corpus_dir / f"{name}.txt").write_text(PAGE.format(n=9000 + hostile_pages, m=1), encoding="utf-8")
            (corpus_dir / f"{name}.meta.toml").write_text(f"{key} = {value}\n", encoding="utf-8")
            hostile_pages += 1
    with open(corpus_dir / "z-huge.txt", "wb") as handle:
        handle.truncate(3 << 30)
    os.mkfifo(corpus_dir / "z-fifo.txt")
    (corpus_dir / "z-zero.txt").symlink_to("/dev/zero")
    engine = db.make_engine(f"sqlite:///{folder / 'ingest.sqlite3'}")
    db.upgrade(engine)
    summary = corpus.ingest(engine, [corpus_dir], sources=sources.load(None, "UTC"), taxonomy=taxonomy.load(),
                            max_bytes=1_000_000, authority="probe.invalid", now=NOW, workers=2)
    with engine.connect() as conn:
        status = dict(conn.execute(files.select().with_only_columns(files.c.path, files.c.status)).all())
    engine.dispose()
    good = [p for p in status if Path(p).name.startswith("p") and p.endswith(".txt")]
    return {"hostile JSON lines": len(lines), "hostile metadata files": hostile_pages, "special files": 3,
            "inputs tried": len(lines) + hostile_pages + 3,
            "refused with an error naming file, line or field": len(summary.failures),
            "accepted as valid": len(lines) + hostile_pages + 3 - len(summary.failures),
            "runs ending with a summary": 1,
            "good pages stored": sum(status[p] == "ok" for p in good), "good pages": pages}


def probe_mail(folder: Path) -> dict[str, int]:
    from sqlalchemy import select

    from feedsvc import create_app
    from feedsvc.store import db
    from feedsvc.store import subscribers as store
    from feedsvc.store.schema import deliveries
    from tests.smtp import smtp_server

    faults = {f"{command.lower()}{code}@example.com": (command, answer)
              for command in ("RCPT", "DATA", "END")
              for code, answer in (("550", "550 5.1.1 no such user"), ("451", "451 4.3.0 try later"),
                                   ("421", "421 4.7.0 closing"))}
    readers = [f"ok{i}@example.com" for i in range(20)] + list(faults) + ["jöran@example.com", "anna@bücher.example"]
    with smtp_server() as box:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'mail.sqlite3'}", "CORPUS_DIR": str(HERE.parent / "seeds"),
                          "SMTP_URL": box.url, "BASE_URL": "https://news.example.org",
                          "MAIL_FROM": "Digest <digest@news.example.org>"})
        runner = app.test_cli_runner()
        runner.invoke(args=["ingest"])
        runner.invoke(args=["digest", "build", "--topic", "politics", "--date", "2025-07-05"])
        with app.app_context(), db.get_engine().begin() as conn:
            for email in readers:
                store.upsert(conn, email=email, topics=("politics",), hour=7, zone="UTC", status="active",
                             now=datetime(2025, 7, 1, tzinfo=UTC))
        for email, (command, answer) in faults.items():
            if command == "END":
                box.replies[email] = [answer] * 10
            else:
                box.refusals[(command, "*" if command == "MAIL" else email)] = [answer] * 10
        # A refusal at MAIL is for whichever message comes next: the first three of the first run.
        box.refusals[("MAIL", "*")] = ["550 5.7.1 sender refused", "451 4.3.0 try later", "421 4.7.0 closing"]
        at, runs = SEND_AT, 0
        for _ in range(12):
            runner.invoke(args=["digest", "send", "--now", at.isoformat()])
            runs += 1
            at += timedelta(hours=5)
        with app.app_context(), db.get_engine().connect() as conn:
            rows = {r.email: r for r in conn.execute(select(deliveries))}
    copies = Counter(rcpt for rcpt, _ in box.received)
    wrong = [e for e, r in rows.items() if r.status not in ("sent", "failed")
             or (r.status == "failed" and not r.error)]
    return {"readers": len(readers), "fault kinds": len(faults) + 5, "runs": runs,
            "messages received": len(box.received), "duplicates": sum(n - 1 for n in copies.values() if n > 1),
            "rows sent": sum(r.status == "sent" for r in rows.values()),
            "rows failed with the server's reply": sum(r.status == "failed" and bool(r.error) for r in rows.values()),
            "ledger errors (rows left waiting, or failed without a reason)": len(wrong)}


def probe_links(folder: Path) -> dict[str, int]:
    import re

    from feedsvc import create_app
    from feedsvc.store import db
    from feedsvc.store import subscribers as store
    from feedsvc.subscribers import tokens
    from tests.smtp import smtp_server

    with smtp_server() as box:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'links.sqlite3'}", "CORPUS_DIR": str(HERE.parent / "seeds"),
                          "SMTP_URL": box.url, "BASE_URL": "https://news.example.org", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "SECRET_KEY": "probe-secret-of-this-install",
                          "MAIL_FROM": "Digest <digest@news.example.org>"})
        with app.app_context():
            db.upgrade(db.get_engine())
        with app.app_context(), db.get_engine().begin() as conn:
            for i in range(50):
                store.upsert(conn, email=f"r{i}@example.com", topics=("all",), hour=7, zone="UTC", status="active",
                             now=NOW)
        client = app.test_client()
        secret = app.config["SECRET_KEY"]
        tried = refused = 0
        forged: list[tuple[str, str]] = []
        for n in range(1, 51):
            for purpose, path in ((tokens.UNSUBSCRIBE, "/unsubscribe/"), (tokens.PREFERENCES, "/preferences/")):
                forged.append(("GET", path + tokens.make("dev-only-change-me", purpose, n)))
                forged.append(("POST", path + tokens.make("another-key", purpose, n)))
                other = tokens.PREFERENCES if purpose == tokens.UNSUBSCRIBE else tokens.UNSUBSCRIBE
                forged.append(("POST", path + tokens.make(secret, other, n)))
        genuine = tokens.make(secret, tokens.UNSUBSCRIBE, 7)
        forged += [("POST", "/unsubscribe/" + genuine[:i] + ("A" if c != "A" else "B") + genuine[i + 1:])
                   for i, c in enumerate(genuine)]
        forged += [("POST", "/unsubscribe/" + genuine[:k]) for k in range(1, len(genuine))]
        payload = {"e": "never@example.com", "t": ["all"], "h": 7, "z": "UTC"}
        forged += [("POST", "/subscribe/confirm/" + tokens.make_expiring(key, tokens.CONFIRM, payload))
                   for key in ("dev-only-change-me", "another-key")]
        for method, path in forged:
            tried += 1
            refused += client.open(path, method=method).status_code == 404
        client.post("/subscribe", data={"email": "twice@example.com", "topics": ["all"], "hour": "7", "zone": "UTC"})
        text = box.received[-1][1].decode("utf-8", "replace")
        link = re.search(r"https://news\.example\.org(/subscribe/confirm/[A-Za-z0-9._-]+)", text)
        assert link is not None
        client.post(link.group(1))
        with app.app_context(), db.get_engine().connect() as conn:
            sub = store.by_email(conn, "twice@example.com")
        assert sub is not None
        client.post("/unsubscribe/" + tokens.make(secret, tokens.UNSUBSCRIBE, sub.id))
        for _ in range(5):  # the used link again, after unsubscribing
            tried += 1
            refused += client.post(link.group(1)).status_code == 404
        with app.app_context(), db.get_engine().connect() as conn:
            changed = sum(s.status != "active" for s in store.all_(conn) if s.email.startswith("r"))
            never = store.by_email(conn, "never@example.com")
    return {"forged or replayed links tried": tried, "refused": refused,
            "subscribers changed by them": changed + (never is not None)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, probe in (("ingest", lambda: probe_ingest(folder, args.pages)), ("mail", lambda: probe_mail(folder)),
                            ("links", lambda: probe_links(folder))):
            figures = probe()
            print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
