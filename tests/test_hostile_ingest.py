"""Hostile corpus files: any value in any field costs its own line or file, never the run or other files."""

from __future__ import annotations

import itertools
import json
import math
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from feedsvc.errors import IngestError
from feedsvc.ingest import jsonl, meta
from feedsvc.ingest import run as corpus
from feedsvc.store import db
from feedsvc.store.schema import failures, files
from feedsvc.topics import sources
from feedsvc.topics import taxonomy as topics
from tests.conftest import PAGE

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
SOURCES, TAXONOMY = sources.load(None, "UTC"), topics.load()
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_names = itertools.count()


class Raw(str):
    """JSON text written as it is: numbers no encoder writes (5,000 digits, 1e999)."""


EDGE_TEXT = st.sampled_from([
    "9999-12-31T23:59:00-05:00", "0001-01-01T00:10:00+05:00", "0001-01-01", "9999-12-31", "9999-12-31T23:59",
    "0001-01-01T00:00:00", "31.12.9999 23:59", "01.01.0001 00:00", "2 hours ago", "23:59", "", " ", "\x00",
    "\ud800", "javascript:alert(1)", "http://", "https://x", "article", "headline", "tass", "politics",
    "9999-12-31T23:59:59.999999-23:59", "0001-01-01T00:00:00+23:59", "May 17, 9999", "SOCHI, May 17. /TASS/.",
])
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([Raw("9" * 5000), Raw("-" + "1" * 5000), Raw("1e999"), Raw("1" * 4301 + ".5")]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=30), EDGE_TEXT)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
JSONL_FIELDS = sorted(jsonl._KNOWN) + ["colour"]
RECORDS = st.builds(lambda base, poison: {**base, **poison},
                    st.sampled_from([{}, {"title": "A good title for this record"},
                                     {"title": "A good title", "body": "One paragraph."}]),
                    st.dictionaries(st.sampled_from(JSONL_FIELDS), JSON_VALUES, min_size=1, max_size=4))
GOOD_LINE = json.dumps({"title": "Storm cuts power to thousands", "published": "2025-07-05T18:00:00+04:00"})


def _json(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return {"inf": "Infinity", "-inf": "-Infinity"}.get(str(value), "NaN")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(_json, value)) + "]"
    return json.dumps(value)


EXTREME_TIMES = st.sampled_from([
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), datetime(1, 1, 1, 0, 10),
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))), datetime(9999, 12, 31, 23, 59),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
    date(1, 1, 1), date(9999, 12, 31), time(23, 59), datetime(2025, 7, 5, 12, 0, tzinfo=UTC),
])
TOML_SCALARS = st.one_of(st.booleans(), st.integers(min_value=-2**63, max_value=2**63 - 1),
                         st.sampled_from([Raw("9" * 5000), Raw("inf"), Raw("nan"), Raw("1e999")]),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30), EDGE_TEXT,
                         st.datetimes(timezones=st.none() | st.just(UTC)), st.dates(), st.times(), EXTREME_TIMES)
TOML_VALUES = st.recursive(TOML_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), inner, max_size=2),
                           max_leaves=6)
META_KEYS = sorted(meta._FIELDS) + ["colour"]
METAS = st.dictionaries(st.sampled_from(META_KEYS), TOML_VALUES, min_size=1, max_size=5)


def _toml(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML's; a lone surrogate makes the file invalid TOML
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"


def _page(n: int) -> str:
    return PAGE.format(n=n, m=n % 60)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    engine = db.make_engine(f"sqlite:///{folder / 'store.sqlite3'}")
    db.upgrade(engine)
    yield engine, folder
    engine.dispose()


def _ingest(engine: Engine, folder: Path, workers: int = 1) -> corpus.Summary:
    return corpus.ingest(engine, [folder], sources=SOURCES, taxonomy=TAXONOMY, max_bytes=1_000_000,
                         authority="example.org", now=NOW, workers=workers)


def _stored(engine: Engine, folder: Path) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.path: r.status for r in conn.execute(select(files.c.path, files.c.status)
                                                       .where(files.c.path.startswith(str(folder))))}


def _reasons(engine: Engine, path: Path) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(failures.c.reason).where(failures.c.path == str(path))))


def _names_a_field(reason: str, fields: list[str]) -> bool:
    whole = ("not valid JSON", "must hold a JSON object", "unknown field", "not valid TOML", "not UTF-8",
             "unknown metadata field", "nested too deeply")
    return any(repr(f) in reason or reason.startswith(f"{f}:") for f in fields) or any(w in reason for w in whole)


@EXAMPLES
@given(st.lists(RECORDS, min_size=1, max_size=3))
def test_any_json_value_in_any_field_costs_only_its_line(store: tuple[Engine, Path],
                                                         records: list[dict[str, Any]]) -> None:
    engine, root = store
    folder = root / f"jsonl{next(_names)}"
    folder.mkdir()
    (folder / "a.txt").write_text(_page(1), encoding="utf-8")
    poison = folder / "b.jsonl"
    poison.write_text("\n".join([GOOD_LINE, *map(_json, records), GOOD_LINE]), encoding="utf-8")
    (folder / "c.txt").write_text(_page(2), encoding="utf-8")
    summary = _ingest(engine, folder)
    assert summary.lines()[0].endswith(f"{len({f.path for f in summary.failures})} failed")
    stored = _stored(engine, folder)
    assert stored[str(folder / "a.txt")] == stored[str(folder / "c.txt")] == "ok"
    assert str(poison) in stored
    for failure in summary.failures:
        assert failure.path == str(poison) and failure.line is not None, failure
        assert _names_a_field(failure.reason, JSONL_FIELDS), failure


@EXAMPLES
@given(METAS)
def test_any_toml_value_in_any_metadata_key_costs_only_its_page(store: tuple[Engine, Path],
                                                                data: dict[str, Any]) -> None:
    engine, root = store
    folder = root / f"meta{next(_names)}"
    folder.mkdir()
    (folder / "a.txt").write_text(_page(1), encoding="utf-8")
    (folder / "b.txt").write_text(_page(2), encoding="utf-8")
    side = folder / "b.meta.toml"
    side.write_text("\n".join(f"{k} = {_toml(v)}" for k, v in data.items()) + "\n", encoding="utf-8",
                    errors="surrogatepass")
    (folder / "c.txt").write_text(_page(3), encoding="utf-8")
    summary = _ingest(engine, folder)
    assert summary.lines()[0].endswith(f"{len({f.path for f in summary.failures})} failed")
    stored = _stored(engine, folder)
    assert stored[str(folder / "a.txt")] == stored[str(folder / "c.txt")] == "ok"
    assert str(folder / "b.txt") in stored
    for failure in summary.failures:
        assert failure.path in (str(side), str(folder / "b.txt")), failure
        assert _names_a_field(failure.reason, META_KEYS), failure


POISON_LINES = [
    '{"title": "x", "published": "9999-12-31T23:59:00-05:00"}',
    '{"title": "x", "published": "0001-01-01T00:10:00+05:00"}',
    '{"title": "x", "summary": ' + "9" * 5000 + "}",
    '{"title": "x", "published": "0001-01-01T00:00:00", "source": "tass"}',
]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORDS, min_size=1, max_size=4), METAS)
def test_helper_processes_store_every_good_file_around_poison(store: tuple[Engine, Path],
                                                              records: list[dict[str, Any]],
                                                              data: dict[str, Any]) -> None:
    engine, root = store
    folder = root / f"many{next(_names)}"
    folder.mkdir()
    for n in range(300):
        (folder / f"p{n:03d}.txt").write_text(_page(n), encoding="utf-8")
    poison = folder / "p150.jsonl"
    poison.write_text("\n".join([GOOD_LINE, *POISON_LINES, *map(_json, records)]), encoding="utf-8")
    (folder / "p151.meta.toml").write_text("captured = 0001-01-01T00:00:00+05:00\n", encoding="utf-8")
    (folder / "p152.meta.toml").write_text("\n".join(f"{k} = {_toml(v)}" for k, v in data.items()) + "\n",
                                           encoding="utf-8", errors="surrogatepass")
    summary = _ingest(engine, folder, workers=2)
    assert summary.lines()[0].endswith(f"{len({f.path for f in summary.failures})} failed")
    stored = _stored(engine, folder)
    assert len(stored) == 301
    good = {p: s for p, s in stored.items() if not p.endswith(("p150.jsonl", "p151.txt", "p152.txt"))}
    assert set(good.values()) == {"ok"} and len(good) == 298
    assert stored[str(poison)] == "failed" and stored[str(folder / "p151.txt")] == "failed"
    lines = {f.line for f in summary.failures if f.path == str(poison)}
    assert {2, 3, 4, 5} <= lines
    assert any("captured" in r for r in _reasons(engine, folder / "p151.meta.toml"))


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "data:text/html,<script>x</script>", "//evil"])
def test_a_metadata_url_must_be_http(url: str) -> None:
    with pytest.raises(IngestError, match="url: must be an http"):
        meta.parse(f"url = {json.dumps(url)}\n", "page.meta.toml")
    assert meta.parse('url = "https://example.org/a"\n', "page.meta.toml").url == "https://example.org/a"


def _ingest_process(folder: Path, tmp_path: Path, *, unprivileged: bool = False,
                    memory: int = 1 << 30) -> subprocess.CompletedProcess[str]:
    """``flask ingest`` of ``folder`` in its own process, with at most ``memory`` bytes of address space.

    ``unprivileged``: as root, without the capabilities that let root read any folder, so permissions apply.
    """
    env = dict(os.environ, FEEDSVC_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
               FEEDSVC_MAX_FILE_BYTES="1000000")
    command = [sys.executable, "-m", "flask", "--app", "feedsvc", "ingest", str(folder)]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, preexec_fn=limit,
                          check=False)


@pytest.mark.parametrize("kind", ["huge", "device", "fifo"])
def test_files_that_are_not_small_regular_files_fail_without_being_read(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(_page(1), encoding="utf-8")
    bad = folder / "bad.txt"
    if kind == "huge":
        with open(bad, "wb") as handle:  # sparse: 3 GB that take no disk, and more than the process may hold
            handle.truncate(3 << 30)
        reason = "bytes, over the cap of 1000000"
    elif kind == "device":
        bad.symlink_to("/dev/zero")
        reason = "not a regular file"
    else:
        os.mkfifo(bad)
        reason = "not a regular file"
    (folder / "later.txt").write_text(_page(2), encoding="utf-8")
    try:
        done = _ingest_process(folder, tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"ingest of a {kind} file did not finish")
    assert done.returncode == 1, done.stderr
    assert f"failed: {bad}: " in done.stdout and reason in done.stdout, done.stdout + done.stderr
    assert "files: 2 read, 0 unchanged, 1 failed" in done.stdout


def test_an_unreadable_folder_is_a_failure(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "page.txt").write_text(_page(1), encoding="utf-8")
    (folder / "open.txt").write_text(_page(2), encoding="utf-8")
    (folder / "locked").chmod(0)
    try:
        done = _ingest_process(folder, tmp_path, unprivileged=True)
    finally:
        (folder / "locked").chmod(0o755)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"failed: {folder / 'locked'}: cannot read folder: Permission denied" in done.stdout, done.stdout
    assert "files: 1 read" in done.stdout
