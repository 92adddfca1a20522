"""News lines in every arrangement a page prints them, each on a page written for the test."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedsvc.ingest import dates, newsline

CTX = dates.Context(ZoneInfo("Europe/Istanbul"), captured=datetime(2024, 3, 3, 15, 0, tzinfo=UTC))


def pairs(text: str) -> list[tuple[str, str]]:
    blocks = newsline.find_blocks(text.split("\n"), CTX)
    return [(p.title, p.stamp.value.strftime("%Y-%m-%d %H:%M")) for b in blocks for p in b.pairs]


def test_time_before_headline_with_teaser() -> None:
    text = """Latest

10:05 03.03.2024
Ferry line reopens after the winter
The harbour office said boats will sail twice a day from Monday, weather permitting, and fares stay the same.
09:40 03.03.2024
Library opens a new reading room
The room on the second floor holds four thousand books and is open every day until late in the evening.
"""
    assert pairs(text) == [("Ferry line reopens after the winter", "2024-03-03 10:05"),
                           ("Library opens a new reading room", "2024-03-03 09:40")]


def test_headline_then_source_and_time_then_teaser() -> None:
    text = """Town council votes to widen the bridge
Valley Courier - 3/2/2024 4:15:00 PM
Councillors agreed on Tuesday to add a cycle lane, and work is to start in the summer once the river is low.

Bakery wins regional bread contest
Hill Gazette - 3/1/2024 9:05:00 AM
The family-run shop took first prize for its rye loaf, beating forty other entries from across the region.
"""
    assert pairs(text) == [("Town council votes to widen the bridge", "2024-03-02 16:15"),
                           ("Bakery wins regional bread contest", "2024-03-01 09:05")]


def test_stamp_closes_each_card_under_its_teaser() -> None:
    text = """Culture

Old mill turned into a museum of crafts
Volunteers spent two years restoring the wheel, and the museum now shows how flour was ground a century ago.

02.03.2024, 18:20
Sport

Local runner sets a new course record
She finished the hill race in under an hour, four minutes faster than the old record that stood for a decade.

02.03.2024, 17:55
Weather

Snow expected in the mountains tonight
"""
    assert pairs(text) == [("Old mill turned into a museum of crafts", "2024-03-02 18:20"),
                           ("Local runner sets a new course record", "2024-03-02 17:55")]


def test_rfc_822_time_and_headline_on_one_line() -> None:
    text = """Sat, 02 Mar 2024 13:01:01 +0300 Minister opens the new terminal
Fri, 01 Mar 2024 08:30:00 +0300 Farmers expect a good harvest
"""
    blocks = newsline.find_blocks(text.split("\n"), CTX)
    got = [(p.title, p.stamp.value.isoformat()) for b in blocks for p in b.pairs]
    assert got == [("Minister opens the new terminal", "2024-03-02T13:01:01+03:00"),
                   ("Farmers expect a good harvest", "2024-03-01T08:30:00+03:00")]


def test_section_word_between_headline_and_time() -> None:
    text = """-
Tram fares to stay frozen this year
CITY | 19:56 / 02.03.2024
-
New school opens in the northern district
EDUCATION | 19:54 / 02.03.2024
"""
    assert pairs(text) == [("Tram fares to stay frozen this year", "2024-03-02 19:56"),
                           ("New school opens in the northern district", "2024-03-02 19:54")]


def test_bullets_brackets_and_hour_words() -> None:
    text = """• 19:33 Uhr: Minister praises the new rail link
• 18:05 Uhr: Storm closes two mountain passes
[13:06] Market opens higher on Monday
[12:40] Port strike ends after talks
"""
    assert [t for t, _ in pairs(text)] == ["Minister praises the new rail link", "Storm closes two mountain passes",
                                           "Market opens higher on Monday", "Port strike ends after talks"]


def test_time_slash_date_before_headline() -> None:
    text = """14:26 / 23-02-2024
Parliament approves the spring budget
14:10 / 23-02-2024
Airport adds three new routes
"""
    assert pairs(text) == [("Parliament approves the spring budget", "2024-02-23 14:26"),
                           ("Airport adds three new routes", "2024-02-23 14:10")]


def test_flattened_feed_on_one_line() -> None:
    text = ("City News - all the news from the city Sat, 02 Mar 2024 20:00:00 +0300 60 "
            "Mayor Opens New Riverside Park The park has a playground and a path along the water for walkers. "
            "Sat, 02 Mar 2024 16:32:00 +0300 Museum Extends Its Opening Hours It will stay open until nine "
            "on Fridays from next month. Sat, 02 Mar 2024 15:10:00 +0300 Heavy Rain Floods Two Streets Dr")
    assert pairs(text) == [("Mayor Opens New Riverside Park", "2024-03-02 16:32"),
                           ("Museum Extends Its Opening Hours", "2024-03-02 15:10")]


def test_date_heading_carried_to_bare_times() -> None:
    text = """1 марта 2024
20:50 /
Новый мост откроют летом
20:09 /
В городе построят ещё две школы
"""
    assert pairs(text) == [("Новый мост откроют летом", "2024-03-01 20:50"),
                           ("В городе построят ещё две школы", "2024-03-01 20:09")]


def test_date_on_one_line_time_on_the_next() -> None:
    text = """28
FEB
09:36
Cherry orchard planted in the valley
27
FEB
18:10
Forum on physics held in the capital
"""
    assert pairs(text) == [("Cherry orchard planted in the valley", "2024-02-28 09:36"),
                           ("Forum on physics held in the capital", "2024-02-27 18:10")]


def test_relative_times_resolve_against_capture() -> None:
    text = """2 saat əvvəl
Bakıda yeni park açılıb
Dünən, 14:05
Yolun təmiri başa çatıb
"""
    got = pairs(text)
    assert got == [("Bakıda yeni park açılıb", "2024-03-03 16:00"), ("Yolun təmiri başa çatıb", "2024-03-02 14:05")]


def test_roles_say_why() -> None:
    text = "10:05 03.03.2024\nFerry line reopens\n09:40 03.03.2024\nLibrary opens a new reading room\n"
    block = newsline.find_blocks(text.split("\n"), CTX)[0]
    assert block.roles[0][0] == "news-line time" and block.roles[1][0] == "news-line headline"
    assert "line 1" in block.roles[1][1]
    assert block.lines == frozenset({0, 1, 2, 3})


def test_a_column_of_dates_is_no_news_line() -> None:
    text = "23/02/2024\n16/02/2024\n08/02/2024\n01/02/2024\n\nTown hall repainted\n\n02.03.2024\n\nThe text.\n"
    assert pairs(text) == []


def test_a_date_inside_a_sentence_is_no_stamp() -> None:
    text = ("The council met on 3 March 2024 and agreed the plan.\nIt said work starts on 4 March 2024.\n"
            "Residents were told on 1 March 2024 at a meeting.\n")
    assert pairs(text) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(max_size=300), st.sampled_from(
    ["10:05 03.03.2024", "Headline words here", "Sat, 02 Mar 2024 13:01:01 +0300 X Y Z", "28", "FEB",
     "2 hours ago", "Вчера", "CITY | 19:56 / 02.03.2024", "1 марта 2024", "20:50 /", ""])), max_size=30))
def test_arbitrary_lines_never_raise(lines: list[str]) -> None:
    for block in newsline.find_blocks(lines, CTX):
        assert block.pairs and all(p.title for p in block.pairs)


def test_raw_rss_document_cut_short() -> None:
    text = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Town blog</title>
    <item>
      <title>Spring fair opens on the square</title>
      <description><![CDATA[<p>Stalls and music all weekend.</p>]]></description>
      <pubDate>Sat, 02 Mar 2024 12:00:00 +0300</pubDate>
    </item>
    <item>
      <title>Night buses return &amp; run later</title>
      <pubDate>Fri, 01 Mar 2024 01:11:00 +0300</pubDate>
    </item>
    <item>
      <title>Cut before its date</title>
      <description>The page ends he"""
    blocks = newsline.find_blocks(text.split("\n"), CTX)
    got = [(p.title, p.stamp.value.isoformat(), p.lines) for b in blocks for p in b.pairs]
    assert got == [("Spring fair opens on the square", "2024-03-02T12:00:00+03:00", (5, 7)),
                   ("Night buses return & run later", "2024-03-01T01:11:00+03:00", (10, 11))]


def test_live_entries_with_glued_published_at() -> None:
    text = """1. Bridge reopens after repairspublished at 17:17 Greenwich Mean Time 2 March 2024

The bridge carried its first cars this morning.

2. Mayor visits the new schoolpublished at 17:04 Greenwich Mean Time 2 March 2024
"""
    assert pairs(text) == [("Bridge reopens after repairs", "2024-03-02 17:17"),
                           ("Mayor visits the new school", "2024-03-02 17:04")]


def test_a_section_name_repeated_on_every_card_is_no_headline() -> None:
    text = """In the city
Tram depot to be rebuilt by the autumn
The depot will get a new roof and a workshop for the trams that run on the river line.
02.03.2024, 15:02
In the city
Ice rink stays open for another week
Warm weather had closed it twice, but the council found money to keep the cooling on.
02.03.2024, 15:01
In the city
Cut card
"""
    assert pairs(text) == [("Tram depot to be rebuilt by the autumn", "2024-03-02 15:02"),
                           ("Ice rink stays open for another week", "2024-03-02 15:01")]


def test_quotes_closing_a_headline_are_kept() -> None:
    text = "Минобороны: «Мост откроют весной» 2024/03/02, 23:51\nМэр: «Школу построят» 2024/03/02, 21:18\n"
    assert [t for t, _ in pairs(text)] == ["Минобороны: «Мост откроют весной»", "Мэр: «Школу построят»"]


def test_relative_time_glossed_by_clock_under_a_day_heading() -> None:
    text = """Published On 1 Mar 2024
Published On 1 Mar 2024
Live updates
5m ago (11:00 GMT)
Ferry crews end their strike
The union said crews would return to work at once.
15m ago (10:50 GMT)
Roads reopen in the north
"""
    blocks = newsline.find_blocks(text.split("\n"), CTX)
    got = [(p.title, p.stamp.value.isoformat()) for b in blocks for p in b.pairs]
    assert got == [("Ferry crews end their strike", "2024-03-01T11:00:00+00:00"),
                   ("Roads reopen in the north", "2024-03-01T10:50:00+00:00")]
    assert blocks[0].roles[0][0] == "news-line day" and blocks[0].roles[1][0] == "news-line day"


def test_two_stray_stamps_far_apart_are_no_news_line() -> None:
    text = """23.04.2024
Ambassador says the talks went well
The talks in the capital lasted two days, and both sides said they would meet again in the spring.
12.08.2021
Ambassador recalled for consultations
"""
    assert pairs(text) == []


def test_an_article_under_a_tight_list_keeps_its_headline_and_time() -> None:
    text = """Harbour cranes replaced
12:15 02.03.2024
Bus timetable changes on Monday
11:40 02.03.2024

Old lighthouse gets a new lamp
Town 10:20 02.03.2024

The lamp was fitted on Saturday and can be seen from twenty miles out at sea, the keepers said.
"""
    blocks = newsline.find_blocks(text.split("\n"), CTX)
    assert [p.title for b in blocks for p in b.pairs] == ["Harbour cranes replaced", "Bus timetable changes on Monday"]
    assert not {5, 6} & set().union(*(b.lines for b in blocks))


def test_a_live_entry_opening_with_a_sentence_is_no_headline() -> None:
    text = """Tuesday, March 2, 2024

10:05 GMT — Heavy snow closed the pass for most of the morning, the road service said on Tuesday.

11:40 GMT — Snow closes the pass
"""
    assert pairs(text) == []
