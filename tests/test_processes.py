"""Several web processes on one PostgreSQL: an ingest in another process reaches every one of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import SEEDS
from tests.e2e import web_server

NEW_TITLE = "Qarabag win the league title in Baku"


def test_ingest_reaches_every_web_worker(pg_url: str, tmp_path: Path) -> None:
    """Every worker drops its cached feed after another process's ingest (bench/feeds.py measures how soon)."""
    env = {**os.environ, "FEEDSVC_DATABASE_URL": pg_url}
    flask = [sys.executable, "-m", "flask", "--app", "feedsvc", "ingest"]
    assert subprocess.run([*flask, str(SEEDS)], env=env, capture_output=True, check=False).returncode == 0
    with web_server({"FEEDSVC_DATABASE_URL": pg_url, "WEB_CONCURRENCY": "3"}) as base:
        def fetch() -> str:
            return urllib.request.urlopen(base + "/feeds/sports.xml").read().decode()

        for _ in range(30):  # warm every worker's cache
            assert NEW_TITLE not in fetch()
        extra = tmp_path / "new"
        extra.mkdir()
        (extra / "n.jsonl").write_text(json.dumps({"title": NEW_TITLE, "source": "apa",
                                                   "published": "2025-07-06T09:00:00+04:00"}) + "\n")
        assert subprocess.run([*flask, str(extra)], env=env, capture_output=True, check=False).returncode == 0
        committed = time.monotonic()
        while True:
            seen = [NEW_TITLE in fetch() for _ in range(30)]  # many requests: every worker answers some
            if all(seen):
                break
            assert time.monotonic() - committed < 30, "a web worker kept serving the old feed"
            time.sleep(0.05)
