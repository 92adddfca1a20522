"""Dates in the forms news sites print them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedsvc.ingest import dates

BAKU = ZoneInfo("Asia/Baku")
CTX = dates.Context(BAKU, captured=datetime(2025, 7, 5, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize(("text", "iso", "precision"), [
    ("05.07.2025", "2025-07-05T00:00:00+04:00", "day"),
    ("05.07.25", "2025-07-05T00:00:00+04:00", "day"),
    ("20:20 05.07.2025", "2025-07-05T20:20:00+04:00", "minute"),
    ("05.07.2025 20:20", "2025-07-05T20:20:00+04:00", "minute"),
    ("07/05/2025 8:20 PM", "2025-07-05T20:20:00+04:00", "minute"),
    ("07/05/2025 12:05 AM", "2025-07-05T00:05:00+04:00", "minute"),
    ("3 March 2024, 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("March 3, 2024 - 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("Mar 3 2024", "2024-03-03T00:00:00+04:00", "day"),
    ("Sun, 03 Mar 2024 14:05:00 +0000", "2024-03-03T14:05:00+00:00", "minute"),
    ("Sun, 03 Mar 2024 14:05:00 GMT", "2024-03-03T14:05:00+00:00", "minute"),
    ("2024-03-03T14:05:00+03:00", "2024-03-03T14:05:00+03:00", "minute"),
    ("2024-03-03T14:05:00Z", "2024-03-03T14:05:00+00:00", "minute"),
    ("2024-03-03", "2024-03-03T00:00:00+04:00", "day"),
    ("3 марта 2024", "2024-03-03T00:00:00+04:00", "day"),
    ("3 марта 2024 г., 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("3 mart 2024", "2024-03-03T00:00:00+04:00", "day"),
    ("3 mart 2024, 14:05", "2024-03-03T14:05:00+04:00", "minute"),
    ("12 dekabr 2019", "2019-12-12T00:00:00+04:00", "day"),
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
    ("3 days ago", "2025-07-02T00:00:00+04:00", "day"),
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
    assert found.stamp.value.isoformat() == "2017-05-17T00:00:00+03:00"
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


@pytest.mark.parametrize(("text", "iso"), [
    ("3 March 2024", "2024-03-03T00:00"), ("3 марта 2024 г.", "2024-03-03T00:00"), ("3 mart 2024", "2024-03-03T00:00"),
    ("3 Mart 2024 Pazar", "2024-03-03T00:00"), ("3 березня 2024", "2024-03-03T00:00"),
    ("3 березень 2024", "2024-03-03T00:00"), ("3 наурыз 2024", "2024-03-03T00:00"), ("3. März 2024", "2024-03-03T00:00"),
    ("3 mars 2024", "2024-03-03T00:00"), ("3 Şubat 2024", "2024-02-03T00:00"), ("17 oktyabr, 2021", "2021-10-17T00:00"),
    ("Mar. 3, 2024", "2024-03-03T00:00"), ("Jan 11 2016", "2016-01-11T00:00"),
    ("3 мар. 2024", "2024-03-03T00:00"), ("3 janv. 2024", "2024-01-03T00:00"),
])
def test_month_names_in_every_language(text: str, iso: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None, text
    assert found.stamp.value.strftime("%Y-%m-%dT%H:%M") == iso


@pytest.mark.parametrize(("text", "iso"), [
    ("14:26 / 23-11-2024", "2024-11-23T14:26"), ("23-11-2024 14:26", "2024-11-23T14:26"),
    ("17.01.2026, 13:41", "2026-01-17T13:41"), ("2026/03/09, 23:51", "2026-03-09T23:51"),
    ("01/12/2025 23:29", "2025-12-01T23:29"), ("2/18/2020 8:25:00 PM", "2020-02-18T20:25"),
    ("Monday, 7 April, 2014, 2:40am", "2014-04-07T02:40"), ("5 Apr 2014 - 3:19am", "2014-04-05T03:19"),
    ("20 janvier 2023 à 18h09", "2023-01-20T18:09"), ("вівторок, 20 січень 2026, 23:40", "2026-01-20T23:40"),
    ("13 Şubat 2026 Cuma - 15:01:03", "2026-02-13T15:01"), ("чт., 2024-03-28 22:59", "2024-03-28T22:59"),
    ("22:15 – 10 Mar 2022", "2022-03-10T22:15"), ("12:20, 13.01.2026", "2026-01-13T12:20"),
    ("10 OCT 09:36", "2024-10-10T09:36"),
])
def test_date_and_time_in_either_order(text: str, iso: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None, text
    assert found.stamp.value.strftime("%Y-%m-%dT%H:%M") == iso


@pytest.mark.parametrize(("text", "iso"), [
    ("02:48 GMT 27.07.2022", "2022-07-27T02:48:00+00:00"),
    ("17:17 Greenwich Mean Time 14 March 2022", "2022-03-14T17:17:00+00:00"),
    ("19:34 British Summer Time 14 April 2022", "2022-04-14T19:34:00+01:00"),
    ("18-10-2019 18:45 +0400", "2019-10-18T18:45:00+04:00"),
    ("Thu, 23 Nov 2017 01:50:55 +0600", "2017-11-23T01:50:55+06:00"),
])
def test_printed_zones_and_offsets(text: str, iso: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None and found.stamp.value.isoformat() == iso


@pytest.mark.parametrize(("text", "hm"), [
    ("14.58 Uhr", "14:58"), ("5h00", "05:00"), ("1735 GMT", "17:35"), ("12:50 p.m.", "12:50"), ("1:34 AM", "01:34"),
    ("06:45 GMT/ 00:45 CST", "06:45"), ("19:33 Uhr", "19:33"),
])
def test_clock_times_in_many_forms(text: str, hm: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None and not found.has_day
    assert found.stamp.value.strftime("%H:%M") == hm


@pytest.mark.parametrize(("text", "iso"), [
    ("5 hours 42 min ago", "2025-07-05T10:18"), ("1 week, 4 days ago", "2025-06-24T00:00"),
    ("Сегодня, 09:32", "2025-07-05T09:32"), ("Вчера", "2025-07-04T00:00"), ("bu gün", "2025-07-05T00:00"),
    ("dün", "2025-07-04T00:00"), ("2 saat əvvəl", "2025-07-05T14:00"), ("3 дня назад", "2025-07-02T00:00"),
    ("vor 2 Stunden", "2025-07-05T14:00"), ("il y a 2 heures", "2025-07-05T14:00"), ("2 години тому", "2025-07-05T14:00"),
])
def test_more_relative_forms(text: str, iso: str) -> None:
    found = dates.whole(text, CTX)
    assert found is not None, text
    assert found.stamp.inferred and found.stamp.value.strftime("%Y-%m-%dT%H:%M") == iso


def test_every_span_of_a_line_is_found() -> None:
    got = dates.spans("Sat, 02 Mar 2024 16:32:00 +0300 Headline text Sat, 02 Mar 2024 15:10:00 +0300 More", CTX)
    assert [f.stamp.value.strftime("%H:%M") for f in got] == ["16:32", "15:10"]
    assert [f.start for f in got] == [0, 46]


@pytest.mark.parametrize("text", ["magnitude 5.7 quake", "score 2:1", "version 1.2.3", "in 2017-2018", "May"])
def test_numbers_that_are_not_times(text: str) -> None:
    assert dates.whole(text, CTX) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200), st.booleans())
def test_arbitrary_text_never_raises(text: str, relative: bool) -> None:
    for found in dates.spans(text, CTX, allow_relative=relative):
        assert 0 <= found.start < found.end <= len(text)
    dates.whole(text, CTX)
    dates.find(text, CTX, allow_relative=relative)
    dates.find_time_only(text, CTX)
