"""Probes and logs: /healthz and /readyz on a server whose database goes away, and JSON log lines."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from feedsvc import create_app
from feedsvc.store import db, subscribers
from feedsvc.store.engine import writing
from tests.conftest import ROOT, SEEDS
from tests.e2e import procfile_command, procfile_env, web_server
from tests.pgserver import own_postgres


def _get(url: str) -> tuple[int, dict[str, str] | str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            status, body, kind = reply.status, reply.read().decode(), reply.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        status, body, kind = exc.code, exc.read().decode(), exc.headers.get_content_type()
    return status, json.loads(body) if kind == "application/json" else body


def _until(url: str, status: int, seconds: float = 30) -> dict[str, str] | str:
    deadline = time.monotonic() + seconds
    while True:
        got, body = _get(url)
        if got == status:
            return body
        assert time.monotonic() < deadline, f"{url} still answers {got}: {body}"
        time.sleep(0.3)


def test_readyz_follows_the_database_and_healthz_stays_up(tmp_path: Path) -> None:
    with own_postgres() as pg, web_server({"FEEDSVC_DATABASE_URL": pg.url, "WEB_CONCURRENCY": "1"},
                                          ready_path="/healthz") as base:
        assert _get(base + "/healthz") == (200, {"status": "up", "version": _get(base + "/healthz")[1]["version"]})
        ready = _until(base + "/readyz", 200)  # an empty database gets its schema
        assert isinstance(ready, dict) and ready["status"] == "ready" and ready["schema"] == db.head_revision()
        assert _get(base + "/")[0] == 200
        cached = _get(base + "/feeds/all.xml")
        pg.stop()
        down = _until(base + "/readyz", 503)
        assert isinstance(down, dict) and down["reason"].startswith("database not answering")
        assert _get(base + "/healthz")[0] == 200
        assert _get(base + "/feeds/all.xml") == cached  # the feed rendered before is still served
        pg.start()
        assert isinstance(_until(base + "/readyz", 200), dict)  # by itself: no restart of the web server
        assert _get(base + "/")[0] == 200


def test_readyz_names_a_schema_that_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine, "0010")
    engine.dispose()
    client = create_app({"DATABASE_URL": url}).test_client()
    reply = client.get("/readyz")
    assert reply.status_code == 503
    assert "revision 0010" in reply.json["reason"] and "upgrade-db" in reply.json["reason"]
    assert client.get("/healthz").status_code == 200


def test_favicon_and_robots(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    client = sqlite_app.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and icon.data.startswith(b"<svg")
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.mimetype == "text/plain"
    assert "Disallow: /admin" in robots.get_data(as_text=True)
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


def _json_lines(text: str, *, server: bool = False) -> list[dict[str, object]]:
    """Every line is a JSON object; with ``server``, but for the web server's own start and stop lines."""
    records = []
    for line in text.splitlines():
        if server and re.match(r"\[(INFO|WARNING|ERROR)\] ", line):
            continue
        assert line.startswith("{"), f"not a JSON line: {line!r}"
        records.append(json.loads(line))
    return records


def test_web_server_logs_json_lines_with_requests(tmp_path: Path) -> None:
    log = tmp_path / "web.log"
    env = {"FEEDSVC_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "FEEDSVC_LOG_FORMAT": "json",
           "WEB_CONCURRENCY": "1"}
    with web_server(env, output=log) as base:
        assert _get(base + "/feeds/all.xml?limit=5")[0] == 200
        assert _get(base + "/no-such-page")[0] == 404
    records = _json_lines(log.read_text(), server=True)
    requests = [r for r in records if r.get("event") == "request"]
    feed = next(r for r in requests if r["path"] == "/feeds/all.xml")
    assert feed["query"] == "limit=5" and feed["status"] == 200 and feed["method"] == "GET"
    assert int(str(feed["bytes"])) > 0 and float(str(feed["duration_ms"])) > 0
    assert feed["remote_addr"] == "127.0.0.1" and "Python-urllib" in str(feed["user_agent"])
    assert any(r["path"] == "/no-such-page" and r["status"] == 404 for r in requests)


def test_clock_logs_json_lines_for_ingest_digests_and_sending(tmp_path: Path) -> None:
    env = {"FEEDSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", "FEEDSVC_LOG_FORMAT": "json",
           "FEEDSVC_CORPUS_DIR": str(SEEDS), "FEEDSVC_OUTBOX_DIR": str(tmp_path / "outbox"),
           "FEEDSVC_SEND_EVERY_SECONDS": "1"}
    subprocess.run(["flask", "--app", "feedsvc", "ingest"], cwd=ROOT, env=procfile_env(env), capture_output=True,
                   text=True, timeout=60, check=True)  # before the clock starts, so its jobs do not race
    app = create_app({"DATABASE_URL": env["FEEDSVC_DATABASE_URL"]})
    with app.app_context(), writing(db.get_engine()) as conn:  # a reader since before the digest's day
        subscribers.upsert(conn, email="reader@example.com", topics=("all",), hour=7, zone="UTC", status="active",
                           now=datetime(2025, 7, 1, tzinfo=UTC))
    clock = subprocess.Popen(["bash", "-c", f"exec {procfile_command('clock')} --now 2025-07-06T07:05:00"],
                             cwd=ROOT, env=procfile_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not list((tmp_path / "outbox").glob("*.eml")) and time.monotonic() < deadline:
            assert clock.poll() is None
            time.sleep(0.2)
        time.sleep(1.5)
    finally:
        os.killpg(clock.pid, signal.SIGTERM)
        output = clock.communicate(timeout=20)[0]
    records = _json_lines(output)
    events = {r.get("event") for r in records}
    assert {"ingest", "digest", "send"} <= events, output
    ingest = next(r for r in records if r.get("event") == "ingest")
    assert ingest["files_unchanged"] == 2 and ingest["files_failed"] == 0 and ingest["origin"] == "clock"
    digest = next(r for r in records if r.get("event") == "digest" and r["topic"] == "all")
    assert digest["day"] == "2025-07-05" and digest["outcome"] == "built"
    send = next(r for r in records if r.get("event") == "send" and r["queued"])
    assert send["queued"] == 1 and send["outcome_sent"] == 1
