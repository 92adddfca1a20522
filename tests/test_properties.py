"""Arbitrary text and bytes never raise anything but feedsvc's own error type."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedsvc.errors import IngestError
from feedsvc.ingest import dates, files, jsonl, meta, pages

CAPTURED = datetime(2025, 7, 5, tzinfo=UTC)
LINES = st.lists(st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "All news", "News line", "Hamısı", "20:20 05.07.2025", "Politics 09:53 11.12.2019",
                     "SOCHI, May 17. /TASS/. Text.", "© Name Surname/TASS", "By Jane Doe", "2 hours ago",
                     "ANKARA, March 3 (AA) - x", "14:05", "Also read: x", "(END)", "31.02.2024",
                     "Home / World", "Source: Some Agency", "Photo: Name", "date 2024-01-02 x", "KABUL, Afghanistan",
                     "Moscow. 24 January. AGENCY - Text here.", "the line runs on", "A caption A caption"]),
), max_size=40)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    try:
        pages.parse_page(text, sources=_sources(), captured=CAPTURED)
    except IngestError:
        pass


@FAST
@given(LINES)
def test_arbitrary_lines_of_page_shapes(lines: list[str]) -> None:
    try:
        page = pages.parse_page("\n".join(lines), sources=_sources(), captured=CAPTURED)
    except IngestError:
        return
    page.to_json()


@FAST
@given(LINES)
def test_explain_never_raises(lines: list[str]) -> None:
    text = "\n".join(lines)
    explained = pages.explain_page(text, sources=_sources(), captured=CAPTURED)
    assert len(explained.lines) == len(text.split("\n"))
    assert (explained.page is None) == (explained.refusal is not None)


@FAST
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data: bytes) -> None:
    for name in ("page.txt", "records.jsonl"):
        try:
            files.extract(Path(name), data, sources=_sources(), taxonomy=_taxonomy(), max_bytes=2500,
                          captured=CAPTURED, page_meta=None)
        except IngestError:
            pass


@FAST
@given(st.text(max_size=300))
def test_arbitrary_json_lines(text: str) -> None:
    for _, record in jsonl.read(text, _sources()):
        assert record is not None


@FAST
@given(st.text(max_size=200))
def test_arbitrary_metadata(text: str) -> None:
    try:
        meta.parse(text, "x.meta.toml")
    except IngestError:
        pass


@FAST
@given(st.text(max_size=80))
def test_dates_never_raise(text: str) -> None:
    ctx = dates.Context(ZoneInfo("Europe/Moscow"), captured=CAPTURED)
    dates.find(text, ctx, allow_relative=True)
    dates.whole(text, ctx)
    dates.find_time_only(text, ctx)


_cache: dict[str, object] = {}


def _sources():  # type: ignore[no-untyped-def]
    from feedsvc.topics import sources
    return _cache.setdefault("s", sources.load(None, "UTC"))


def _taxonomy():  # type: ignore[no-untyped-def]
    from feedsvc.topics import taxonomy as topics
    return _cache.setdefault("t", topics.load())
