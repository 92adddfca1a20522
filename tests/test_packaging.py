"""Packaging: every import declared, and a wheel that serves its pages and e-mails with no checkout near it."""

from __future__ import annotations

import ast
import email
import email.policy
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import feedparser
import pytest

from tests.conftest import ROOT, SEEDS
from tests.e2e import web_server

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Declared and needed at run time, though no module of feedsvc/ imports them.
NOT_IMPORTED = {
    "granian": "the Procfile's web server",
    "gunicorn": "the server bench/feeds.py measures against granian",
    "python-dotenv": "Flask's CLI and the feedsvc script read .flaskenv and .env with it",
    "tzdata": "IANA zone data for zoneinfo where the system has none",
}


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalised as PEP 503 does."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    if found is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", found.group(0)).lower()


def _imported_modules() -> dict[str, str]:
    """Top-level third-party modules that feedsvc/ imports at run time (not under TYPE_CHECKING), with a file."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "feedsvc").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(node) for guard in ast.walk(tree) if isinstance(guard, ast.If)
                       and ast.unparse(guard.test) == "TYPE_CHECKING" for node in ast.walk(guard)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "feedsvc":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_is_a_declared_dependency() -> None:
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    owners = packages_distributions()
    undeclared = []
    used = set()
    for module, where in _imported_modules().items():
        dists = {_name(d) for d in owners.get(module, [])}
        used |= dists
        if not dists & declared:
            undeclared.append(f"{module} ({where}; from {', '.join(sorted(dists)) or 'no installed package'})")
    assert not undeclared, "imported but not in [project] dependencies: " + "; ".join(undeclared)
    unused = declared - used - set(NOT_IMPORTED)
    assert not unused, f"declared but never imported (say why in NOT_IMPORTED): {sorted(unused)}"


def test_postgres_driver_is_an_extra_only() -> None:
    base = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert not {n for n in base if n.startswith("psycopg")}, "a SQLite-only install must not need psycopg"
    assert "psycopg" in {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["postgres"]}
    assert "'.[test,postgres]'" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _source_files() -> set[str]:
    """What the wheel must hold: every file of feedsvc/, and templates/ as feedsvc/templates/."""
    files = set()
    for top, prefix in (("feedsvc", "feedsvc"), ("templates", "feedsvc/templates")):
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                files.add(f"{prefix}/{path.relative_to(ROOT / top).as_posix()}")
    return files


def _build_wheel(tmp: Path) -> Path:
    """Build the wheel from a copy of what the build reads, so nothing else of the checkout can leak in."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("feedsvc", "templates"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"),
                    str(src)], check=True, capture_output=True, cwd=tmp)
    return next((tmp / "dist").glob("feedsvc-*.whl"))


def _venv(wheel: Path, cache: Path) -> Path:
    """A virtual environment with the wheel installed as a user would (`pip install`), dependencies and all.

    The environment is kept between runs for the same dependencies; feedsvc itself is installed afresh.
    """
    with zipfile.ZipFile(wheel) as zf:
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        requires = sorted(line for line in zf.read(metadata).decode().splitlines() if line.startswith("Requires-Dist"))
    key = hashlib.sha256("\n".join([sys.version, *requires]).encode()).hexdigest()[:16]
    venv = cache / f"venv-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                        str(wheel)], check=True, capture_output=True)
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    (venv / ".complete").touch()
    return venv


@pytest.fixture
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel's file list checked, then installed into a venv; returns the venv and an empty folder."""
    build = tmp_path_factory.mktemp("build")
    wheel = _build_wheel(build)
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n for n in zf.namelist() if ".dist-info/" not in n}
    assert shipped == _source_files(), f"missing: {_source_files() - shipped}; extra: {shipped - _source_files()}"
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    cache_dir = cache.mkdir("feedsvc-install") if cache is not None else build
    return _venv(wheel, Path(cache_dir)), tmp_path_factory.mktemp("elsewhere")


def _env(venv: Path, run: Path) -> dict[str, str]:
    """A user's environment: the venv's bin on PATH, no PYTHONPATH, and a store in the empty folder."""
    return {"PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}", "HOME": os.environ.get("HOME", str(run)),
            "LANG": "C.UTF-8", "FEEDSVC_DATABASE_URL": f"sqlite:///{run / 'store.sqlite3'}",
            "FEEDSVC_BASE_URL": "https://news.example.org", "FEEDSVC_SECRET_KEY": "a-long-secret-for-the-packaging-test"}


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_wheel_installed_far_from_the_checkout_serves_pages_feeds_and_mail(installed: tuple[Path, Path]) -> None:
    venv, run = installed
    env = _env(venv, run)

    def sh(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, cwd=run, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode == 0) == ok, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    where = sh("python", "-c", "import feedsvc, importlib.util as u; print(feedsvc.__file__, u.find_spec('psycopg'))")
    assert where.stdout.startswith(str(venv)) and where.stdout.split()[1] == "None", where.stdout
    own = sh("feedsvc", "--help").stdout
    assert {"ingest", "parse", "reclassify", "upgrade-db", "digest", "subscribers", "scheduler"} <= set(
        re.findall(r"^  ([a-z-]+)  ", own, re.MULTILINE)), own
    assert "limiter" not in own and "limiter" in sh("flask", "--app", "feedsvc", "--help").stdout
    corpus = shutil.copytree(SEEDS, run.parent / f"{run.name}-corpus")
    assert "articles: 2 new" in sh("feedsvc", "ingest", str(corpus)).stdout
    built = sh("flask", "--app", "feedsvc", "digest", "build", "--every-topic", "--date", "latest").stdout
    day = re.search(r"digest all (\d{4}-\d\d-\d\d): built", built)
    assert day, built
    sh("feedsvc", "subscribers", "add", "reader@example.org")
    sh("feedsvc", "digest", "send", "--topic", "all", "--date", day.group(1))
    (eml,) = (run / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None and text is not None
    assert "https://news.example.org/unsubscribe/" in html.get_content() and text.get_content().strip()

    with web_server(env, bin_dir=venv / "bin", cwd=run, inherit=False) as base:
        kind, index = _get(base + "/")
        assert kind.startswith("text/html") and b"<html" in index
        topics = sorted(set(re.findall(rb'href="(/topics/[a-z0-9-]+)"', index)))
        assert topics, index[:2000]
        articles = []
        for topic in topics:  # the topic pages, until one lists an article
            kind, page = _get(base + topic.decode())
            assert kind.startswith("text/html") and b"<html" in page
            articles = re.findall(rb'href="(/articles/[^"]+)"', page)
            if articles:
                break
        assert articles, f"no topic page of {topics} links an article"
        kind, body = _get(base + articles[0].decode())
        assert kind.startswith("text/html") and b"<article" in body
        kind, feed = _get(base + "/feeds/all.xml")
        parsed = feedparser.parse(feed)
        assert kind.startswith("application/rss+xml") and not parsed.bozo and parsed.entries

    env["FEEDSVC_DATABASE_URL"] = "postgresql://127.0.0.1:5432/test"
    no_driver = sh("feedsvc", "upgrade-db", ok=False)
    lines = no_driver.stderr.strip().splitlines()  # one readable line, no traceback
    assert len(lines) == 1 and lines[0].endswith(
        "FEEDSVC_DATABASE_URL: its driver psycopg is not installed (pip install 'feedsvc[postgres]')"), lines
