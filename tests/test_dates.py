"""Dates in the forms news sites print them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feedsvc.ingest import dates

BAKU = ZoneInfo("Asia/Baku")
CTX = dates.Context(BAKU, captured=datetime(2025, 7, 5, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize(("text", "iso", "precision"), [
    ("05.07.2025", "2025-07-05T12:00:00+04:00", "day"),
    ("05.07.25", "2025-07-05T12:00:00+04:00", "day"),
    ("20:20 05.07.2025", "2025-07-05T20:20:00+04:00", "minute"),
    ("05.07.2025 20:20", "2025-07-05T20:20:00+04:00", "minute"),
    ("07/05/2025 8:20 PM", "2025-07-05T20:20:00+04:00", "minute"),
    ("07/05/2025 12:05 AM", "2025-07-05T00:05:00+04:00", "minute"),
    ("3 March 2024, 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("March 3, 2024 - 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("Mar 3 2024", "2024-03-03T12:00:00+04:00", "day"),
    ("Sun, 03 Mar 2024 14:05:00 +0000", "2024-03-03T14:05:00+00:00", "minute"),
    ("Sun, 03 Mar 2024 14:05:00 GMT", "2024-03-03T14:05:00+00:00", "minute"),
    ("2024-03-03T14:05:00+03:00", "2024-03-03T14:05:00+03:00", "minute"),
    ("2024-03-03T14:05:00Z", "2024-03-03T14:05:00+00:00", "minute"),
    ("2024-03-03", "2024-03-03T12:00:00+04:00", "day"),
    ("3 марта 2024", "2024-03-03T12:00:00+04:00", "day"),
    ("3 марта 2024 г., 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("3 mart 2024", "2024-03-03T12:00:00+04:00", "day"),
    ("3 mart 2024, 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("12 dekabr 2019", "2019-12-12T12:00:00+04:00", "day"),
])
def test_absolute_forms(text: str, iso: str, precision: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None, text
    assert found.stamp.value.isoformat() == iso
    assert found.stamp.precision == precision
    assert found.stamp.inferred is False


@pytest.mark.parametrize(("text", "iso", "precision"), [
    ("2 hours ago", "2025-07-05T14:00:00+04:00", "minute"),
    ("45 minutes ago", "2025-07-05T15:15:00+04:00", "minute"),
    ("3 days ago", "2025-07-02T12:00:00+04:00", "day"),
    ("2 часа назад", "2025-07-05T14:00:00+04:00", "minute"),
    ("2 saat əvvəl", "2025-07-05T14:00:00+04:00", "minute"),
    ("yesterday, 14:05", "2025-07-04T14:05:00+04:00", "minute"),
    ("вчера, 14:05", "2025-07-04T14:05:00+04:00", "minute"),
    ("14:05", "2025-07-05T14:05:00+04:00", "minute"),
])
def test_relative_forms_resolve_against_capture_time(text: str, iso: str, precision: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None
    assert found.stamp.value.isoformat() == iso
    assert found.stamp.precision == precision
    assert found.stamp.inferred is True


def test_date_without_year_takes_known_year() -> None:
    found = dates.find("May 17", dates.Context(ZoneInfo("Europe/Moscow"), year=2017))
    assert found is not None
    assert found.stamp.value.isoformat() == "2017-05-17T12:00:00+03:00"
    assert found.stamp.inferred is True and not found.year_missing


def test_date_without_year_is_inferred_not_in_future() -> None:
    later = dates.find("December 30", CTX)
    earlier = dates.find("12 March", CTX)
    assert later is not None and later.stamp.value.year == 2024 and later.year_missing
    assert earlier is not None and earlier.stamp.value.year == 2025


def test_view_counter_after_a_time_is_not_part_of_it() -> None:
    found = dates.whole("09:53 11.12.2019 1523", CTX)
    assert found is not None
    assert found.stamp.value.isoformat() == "2019-12-11T09:53:00+04:00"


@pytest.mark.parametrize("text", ["31.02.2024", "13/45/2024", "not a date", "Politics", "2024", "25:99"])
def test_not_dates(text: str) -> None:
    assert dates.whole(text, CTX) is None


def test_dst_is_applied_by_zone() -> None:
    found = dates.whole("3 July 2024, 12:00", dates.Context(ZoneInfo("Europe/Istanbul")))
    assert found is not None and found.stamp.value.utcoffset().total_seconds() == 3 * 3600
    found = dates.whole("3 July 2024, 12:00", dates.Context(ZoneInfo("America/New_York")))
    assert found is not None and found.stamp.value.utcoffset().total_seconds() == -4 * 3600
    found = dates.whole("3 January 2024, 12:00", dates.Context(ZoneInfo("America/New_York")))
    assert found is not None and found.stamp.value.utcoffset().total_seconds() == -5 * 3600
