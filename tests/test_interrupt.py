"""An ingest killed mid-run, or one of its helper processes killed, leaves no file half-written, and a rerun
completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from feedsvc.store import db
from feedsvc.store.schema import files, items

PAGE = """Story number {n} about the regional summit

Politics 10:{m:02d} 01.03.2024

The leaders of the region met on Friday for story {n}, officials said in a statement.

They agreed to meet again next month in the capital.

News line
Unique headline {n} alpha
10:{m:02d} 01.03.2024
Unique headline {n} beta
09:{m:02d} 01.03.2024
"""


def _prepared(url: str, tmp_path: Path) -> tuple[Engine, dict[str, str], list[str]]:
    """A migrated store at ``url``, a corpus of 1500 pages, and the environment and command to ingest it."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for n in range(1500):
        (corpus_dir / f"page{n:05d}.txt").write_text(PAGE.format(n=n, m=n % 60), encoding="utf-8")
    engine = db.make_engine(url)
    db.upgrade(engine)
    env = dict(os.environ, FEEDSVC_DATABASE_URL=url)
    return engine, env, [sys.executable, "-m", "flask", "--app", "feedsvc", "ingest", str(corpus_dir)]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_kill_mid_run(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if kind == "sqlite" else request.getfixturevalue("pg_url")
    engine, env, cmd = _prepared(url, tmp_path)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(select(func.count()).select_from(files)).scalar_one() >= 50:
                    break
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its worker processes, all at once
    finally:
        proc.wait()

    def consistent() -> int:
        one_snapshot = select(
            select(func.count()).select_from(files).scalar_subquery(),
            select(func.count()).where(items.c.kind == "article").scalar_subquery(),
            select(func.count()).where(items.c.kind == "headline").scalar_subquery(),
        )
        with engine.connect() as conn:
            n_files, n_articles, n_headlines = conn.execute(one_snapshot).one()
        assert n_articles == n_files and n_headlines == 2 * n_files
        return int(n_files)

    stored = consistent()
    assert 50 <= stored < 1500, "the run was not interrupted mid-way"
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert f"files: {1500 - stored} read, {stored} unchanged, 0 failed" in result.stdout
    assert consistent() == 1500
    engine.dispose()


def _helpers(pid: int) -> list[int]:
    """The ingest helper processes started by ``pid`` (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def test_a_helper_killed_mid_run_stops_the_run_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine, env, cmd = _prepared(url, tmp_path)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        helpers: list[int] = []
        while not helpers and time.monotonic() < deadline and proc.poll() is None:
            helpers = _helpers(proc.pid)
            time.sleep(0.01)
        assert helpers, "the ingest started no helper process"
        os.kill(helpers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 1
    assert "an ingest helper process stopped (exit status -9)" in err, err
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(files)).scalar_one()
        assert conn.execute(select(func.count()).where(items.c.kind == "article")).scalar_one() == stored
    assert stored < 1500
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert f"files: {1500 - stored} read, {stored} unchanged, 0 failed" in result.stdout
    engine.dispose()
