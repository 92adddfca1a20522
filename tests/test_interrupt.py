"""An ingest killed mid-run, or one of its helper processes killed, leaves no file half-written, and a rerun
completes it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedsvc.store.schema import files, items
from tests.conftest import ingest_run


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_kill_mid_run(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}" if kind == "sqlite" else request.getfixturevalue("pg_url")
    engine, env, cmd = ingest_run(url, tmp_path)
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
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
    except OSError:  # a process exited while it was read; the caller looks again
        return []
    return found


def test_a_helper_killed_mid_run_stops_the_run_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine, env, cmd = ingest_run(url, tmp_path)
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
