"""Ratchets on the real scraped pages of ../shared/devset: each score may only rise.

Each floor is the best figure reached so far; raise it with every gain, never lower it. The targets are fields
0.90, news-line F1 0.95, every body clean, topics micro F1 0.90.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"

FIELDS_FLOOR = 0.87
NEWSLINE_F1_FLOOR = 0.86
CLEAN_BODIES_FLOOR = 65
TOPICS_F1_FLOOR = 0.74


def _devset() -> Path:
    if not (DEVSET / "score.py").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the dev set is required in CI and is missing: {DEVSET}")
        pytest.skip(f"no dev set at {DEVSET}")
    return DEVSET


def _last_line(script: str) -> str:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run([sys.executable, str(_devset() / script)], check=False, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    lines = done.stdout.strip().splitlines()
    assert lines, f"{script} printed nothing: {done.stderr[-2000:]}"
    return lines[-1]


def test_page_parser_scores_do_not_fall() -> None:
    line = _last_line("score.py")
    m = re.search(r"fields (\d+)/(\d+) = \d+%; newsline F1 = ([\d.]+); clean bodies (\d+)/(\d+)", line)
    assert m, line
    fields = int(m[1]) / int(m[2])
    assert fields >= FIELDS_FLOOR, line
    assert float(m[3]) >= NEWSLINE_F1_FLOOR, line
    assert int(m[4]) >= CLEAN_BODIES_FLOOR, line


def test_topic_scores_do_not_fall() -> None:
    line = _last_line("topics_score.py")
    m = re.search(r"micro F1 = ([\d.]+)", line)
    assert m, line
    assert float(m[1]) >= TOPICS_F1_FLOOR, line
