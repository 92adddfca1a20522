"""The operator's status page, every figure checked against the store's rows; importing subscribers."""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select, update

from feedsvc import context, create_app
from feedsvc.store import db
from feedsvc.store import deliveries as ledger
from feedsvc.store import digests as digest_store
from feedsvc.store import subscribers as store
from feedsvc.store.engine import writing
from feedsvc.store.schema import (
    RUN_COUNTS,
    deliveries,
    digests,
    failures,
    ingest_runs,
    item_topics,
    subscribers,
)

PASSWORD = "an operator's password"
ZONE = ZoneInfo("Asia/Baku")


def _auth(user: str = "admin", password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _app(tmp_path: Path, **config: str) -> Flask:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'admin.sqlite3'}", "TESTING": True,
                      "DIGEST_TIMEZONE": ZONE.key, **config})
    with app.app_context():
        db.upgrade(db.get_engine())
        context.secret_key()
    return app


def test_admin_is_off_without_a_password(tmp_path: Path) -> None:
    assert _app(tmp_path).test_client().get("/admin", headers=_auth()).status_code == 404


def test_admin_asks_for_the_password_and_runs_no_script(tmp_path: Path) -> None:
    client = _app(tmp_path, ADMIN_PASSWORD=PASSWORD).test_client()
    for headers in ({}, _auth(password="guess"), _auth(user="root")):
        refused = client.get("/admin", headers=headers)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    page = client.get("/admin", headers=_auth())
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Cache-Control"] == "no-store"
    assert "<script" not in page.get_data(as_text=True)


def _corpus(folder: Path, now: datetime) -> None:
    """Items over the last days in two topics, one day 40 days back (outside the chart), and bad files."""
    folder.mkdir()
    lines = []
    for age, topic, n in ((0, "politics", 2), (1, "politics", 5), (3, "sports", 3), (28, "sports", 1),
                          (40, "politics", 4)):
        for k in range(n):
            published = (now - timedelta(days=age, minutes=10 + k)).isoformat()
            lines.append(json.dumps({"title": f"Report {age} {topic} {k}", "published": published,
                                     "summary": f"Details of report {k}.", "topics": [topic],
                                     "kind": "headline"}))
    lines.append('{"title": ')  # a bad line: that line fails, the rest is stored
    (folder / "recent.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")


def _cells(html: str, attribute: str, value: str) -> dict[str, str]:
    row = re.search(rf'<tr {attribute}="{re.escape(value)}">(.*?)</tr>', html, re.DOTALL)
    assert row, f"no row {attribute}={value}"
    return dict(re.findall(r'<td class="([a-z_]+)">([^<]*)</td>', row.group(1)))


def test_every_figure_matches_the_store(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    app = _app(tmp_path, ADMIN_PASSWORD=PASSWORD)
    _corpus(tmp_path / "corpus", now)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ingest", str(tmp_path / "corpus")]).exit_code == 1  # two files failed
    (tmp_path / "corpus" / "empty.txt").unlink()
    runner.invoke(args=["ingest", str(tmp_path / "corpus")])
    yesterday = (now.astimezone(ZONE) - timedelta(days=1)).date().isoformat()
    built = runner.invoke(args=["digest", "build", "--topic", "politics", "--date", yesterday])
    assert "built" in built.output, built.output
    long_ago = (now.astimezone(ZONE) - timedelta(days=2)).date().isoformat()
    assert "skipped" in runner.invoke(args=["digest", "build", "--topic", "world", "--date", long_ago]).output
    for n in range(4):
        assert runner.invoke(args=["subscribers", "add", f"reader{n}@example.com"]).exit_code == 0
    runner.invoke(args=["subscribers", "remove", "reader3@example.com"])
    with app.app_context(), writing(db.get_engine()) as conn:
        store.upsert(conn, email="waiting@example.com", topics=("all",), hour=7, zone="UTC", status="pending",
                     now=now)
        digest_id = digest_store.id_of(conn, "politics", yesterday)
        assert digest_id is not None
        people = store.all_(conn, "active")
        ledger.enqueue(conn, [{"digest_id": digest_id, "subscriber_id": s.id, "email": s.email,
                               "message_id": f"<{s.id}@example.org>", "next_at": now} for s in people])
        outcomes = [("sent", None), ("failed", "550 5.1.1 mailbox unavailable"), ("retry", "451 4.3.0 try later")]
        for s, (state, error) in zip(people, outcomes, strict=True):
            conn.execute(update(deliveries).where(deliveries.c.subscriber_id == s.id)
                         .values(status=state, error=error, attempts=1))

    html = app.test_client().get("/admin", headers=_auth()).get_data(as_text=True)

    with app.app_context(), db.get_engine().connect() as conn:
        runs = conn.execute(select(ingest_runs)).all()
        failed = conn.execute(select(failures.c.path, failures.c.line, failures.c.reason)).all()
        tagged = conn.execute(select(item_topics.c.topic, item_topics.c.published)).all()
        stored_digests = conn.execute(select(digests.c.id, digests.c.topic, digests.c.day, digests.c.status,
                                             digests.c.reason)).all()
        per_digest = conn.execute(select(deliveries.c.digest_id, deliveries.c.status, func.count())
                                  .group_by(deliveries.c.digest_id, deliveries.c.status)).all()
        states = dict(conn.execute(select(subscribers.c.status, func.count()).group_by(subscribers.c.status)).all())
        errors = conn.execute(select(deliveries.c.email, deliveries.c.error)
                              .where(deliveries.c.error.is_not(None))).all()

    assert len(runs) == 2
    for run in runs:
        assert _cells(html, "data-run", str(run.id)) == {name: str(getattr(run, name)) for name in RUN_COUNTS}
    assert f"Failed files ({len(failed)})" in html and len(failed) >= 1
    for path, line, reason in failed:
        assert f"<code>{path}{f':{line}' if line else ''}</code></td><td>{reason}" in html.replace("&#39;", "'")

    first_day = (now.astimezone(ZONE) - timedelta(days=29)).date()
    expected: Counter[tuple[str, str]] = Counter(
        (topic, published.astimezone(ZONE).date().isoformat()) for topic, published in tagged
        if published is not None and published.astimezone(ZONE).date() >= first_day)
    shown = {(m[0], m[1]): int(m[2]) for m in re.findall(r"<title>(\w+) (\d{4}-\d\d-\d\d): (\d+)</title>", html)}
    titles = {t.slug: t.title for t in context_taxonomy(app)}
    assert {(topic, day): n for (topic, day), n in expected.items()} == {
        (slug, day): n for (label, day), n in shown.items() if n for slug in [_slug(titles, label)]}
    assert sum(expected.values()) == 2 + 5 + 3 + 1  # the item 40 days back is outside the chart
    assert all(len(re.findall(rf"<title>{t} \d{{4}}", html)) == 30 for t in titles.values())

    deliveries_of: dict[int, dict[str, int]] = {}
    for digest_id_, state, n in per_digest:
        deliveries_of.setdefault(digest_id_, {})[state] = n
    for d in stored_digests:
        cells = _cells(html, "data-digest", f"{d.topic} {d.day}")
        assert cells.pop("outcome") == d.status + (f": {d.reason}" if d.reason else "")
        assert cells == {s: str(deliveries_of.get(d.id, {}).get(s, 0)) for s in ledger.STATUSES}
    assert _cells(html, "data-digest", f"politics {yesterday}")["sent"] == "1"
    assert "skipped: no new items" in html

    people_row = re.search(r'<section id="subscribers">.*?<tbody><tr>(.*?)</tr>', html, re.DOTALL)
    assert people_row is not None
    assert dict(re.findall(r'<td class="(\w+)">(\d+)</td>', people_row.group(1))) == {
        s: str(states.get(s, 0)) for s in store.STATUSES}
    assert states == {"active": 3, "unsubscribed": 1, "pending": 1}
    for email, error in errors:
        assert f"<td>{email}</td>" in html and error in html
    assert len(errors) == 2


def context_taxonomy(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        return context.load_taxonomy().topics


def _slug(titles: dict[str, str], label: str) -> str:
    return next(slug for slug, title in titles.items() if title == label)


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_subscribers_round_trip_through_the_export(tmp_path: Path) -> None:
    source = _app(_folder(tmp_path / "a"))
    runner = source.test_cli_runner()
    for args in (["add", "one@example.com", "--topic", "politics", "--topic", "sports", "--hour", "6",
                  "--zone", "Asia/Baku"], ["add", "two@example.com"], ["add", "gone@example.com"],
                 ["remove", "gone@example.com"]):
        assert runner.invoke(args=["subscribers", *args]).exit_code == 0
    exported = runner.invoke(args=["subscribers", "export"]).output
    csv_file = tmp_path / "subscribers.csv"
    csv_file.write_text(exported + "not-an-address,active,all,7,UTC\nthree@example.com,active,all,25,UTC\n",
                        encoding="utf-8")

    confirmed = _app(_folder(tmp_path / "b"))
    result = confirmed.test_cli_runner().invoke(args=["subscribers", "import", str(csv_file), "--confirmed"])
    assert result.exit_code == 1  # two lines refused, the rest imported
    assert "imported 3 subscribers" in result.stdout
    assert f"{csv_file}:5: email:" in result.stderr and f"{csv_file}:6: hour:" in result.stderr
    assert confirmed.test_cli_runner().invoke(args=["subscribers", "export"]).output == exported
    again = confirmed.test_cli_runner().invoke(args=["subscribers", "import", str(csv_file), "--confirmed"])
    assert "imported 0 subscribers" in again.stdout and "3 already here" in again.stdout

    pending = _app(_folder(tmp_path / "c"))
    pending.config["FEEDSVC"]["OUTBOX_DIR"] = str(tmp_path / "outbox")
    assert pending.test_cli_runner().invoke(args=["subscribers", "import", str(csv_file)]).exit_code == 1
    with pending.app_context(), db.get_engine().connect() as conn:
        states = {s.email: s.status for s in store.all_(conn)}
    assert states == {"one@example.com": "pending", "two@example.com": "pending",
                      "gone@example.com": "unsubscribed"}
    assert not (tmp_path / "outbox").exists()  # nobody was mailed
