"""``parse FILE --explain`` on every page of the dev set: each line shown once, with a role and a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "devset" / "pages"


def _pages() -> list[Path]:
    if not PAGES.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the dev set is required in CI and is missing: {PAGES}")
        pytest.skip(f"no dev set at {PAGES}")
    return sorted(PAGES.glob("*.txt"))


def _explain(runner, page: Path) -> list[str]:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["parse", str(page), "--explain", "--now", "2026-01-01T00:00:00"])
    assert result.exit_code == 0, f"{page.name}: {result.output}"
    return result.output.splitlines()


def test_explain_every_dev_set_page(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    pages = _pages()
    assert pages
    for page in pages:
        out = _explain(runner, page)
        count = len(page.read_text(encoding="utf-8", errors="replace").split("\n"))
        assert len(out) >= count, page.name
        for n, line in enumerate(out[:count], start=1):
            assert line.split(None, 2)[:1] == [str(n)], f"{page.name}: {line}"
            assert line.rstrip().endswith("]") and " [" in line, f"{page.name}: {line}"
        assert out[count].startswith(("article:", "refused:")), page.name


def test_explain_a_seed(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    out = _explain(sqlite_app.test_cli_runner(), SEEDS / "004_c0772d994af304bb.txt")
    assert any(" title " in line and "No doubt, Trump realizes" in line for line in out)
    assert any(" newsline headline " in line or " news-line headline " in line for line in out)
    assert out[-1].startswith("news line: 40")
