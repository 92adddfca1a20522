"""Article forms found on real news pages, each on a page written for this test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.errors import ConfigError, IngestError
from feedsvc.ingest import pages
from feedsvc.topics import sources as sources_mod

CAPTURED = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)


def parse(text: str, sources):  # type: ignore[no-untyped-def]
    return pages.parse_page(text, sources=sources, captured=CAPTURED)


def body_text(page) -> str:  # type: ignore[no-untyped-def]
    assert page.article is not None
    return " ".join(page.article.body)


BREADCRUMBS = """The Harbour Gazette
Home | Local | Sport | Weather | Contact
Home / Local

Ferry timetable changes for the summer season

June 9, 2024 08:30

The island ferry will sail every hour from Monday, the harbour office said on Sunday.

Extra crossings are planned at weekends until the end of August.
"""


def test_headline_after_navigation_and_breadcrumbs(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(BREADCRUMBS, sources).article
    assert a is not None
    assert a.title == "Ferry timetable changes for the summer season"
    assert a.category == "Local"
    assert a.published is not None and a.published.value.strftime("%Y-%m-%d %H:%M") == "2024-06-09 08:30"
    assert a.body[0].startswith("The island ferry will sail every hour")
    assert a.body[-1].startswith("Extra crossings")


AFTER_NEWS_LINE = """Latest

Council approves the new library budget
10:15 09.06.2024
Road works close the bridge for a week
09:40 09.06.2024
School choir wins the regional contest
08:05 09.06.2024

Museum reopens after two years of repairs
Culture 11:20 09.06.2024

The town museum opened its doors again on Sunday after repairs that took two years and cost more than planned.

Visitors queued from early morning to see the restored hall.
"""


def test_headline_after_a_news_line(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(AFTER_NEWS_LINE, sources)
    a = page.article
    assert a is not None
    assert a.title == "Museum reopens after two years of repairs"
    assert a.category == "Culture"
    assert a.published is not None and a.published.value.strftime("%H:%M %d.%m.%Y") == "11:20 09.06.2024"
    assert [h.title for h in page.newsline][:2] == ["Council approves the new library budget",
                                                   "Road works close the bridge for a week"]
    assert a.body[0].startswith("The town museum opened its doors")


BYLINE_AND_PHOTO = """Farmers count the cost of the late frost

By Mary Example
June 8, 2024 - 17:45

Frost damaged orchards in the valley Photo: Valley Farmers' Union

Orchards in the valley lost much of their blossom to a late frost this week, growers said on Saturday.
Photo: John Sample
Growers expect smaller harvests of apples and pears in the autumn.

Read more: How orchards protect blossom from frost
Also read: Prices of fruit rise at the market

Insurers said they would send assessors to the farms next week.

Share this article: Facebook Twitter Email
Comments (12)
We use cookies to improve your experience on our site. Accept cookies
Subscribe to our newsletter for the morning briefing
"""


def test_byline_credits_related_links_and_boxes_stay_out_of_the_body(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(BYLINE_AND_PHOTO, sources)
    a = page.article
    assert a is not None
    assert a.title == "Farmers count the cost of the late frost"
    assert a.byline == "Mary Example"
    text = body_text(page)
    assert text.startswith("Orchards in the valley lost much of their blossom")
    assert text.endswith("send assessors to the farms next week.")
    for chrome in ("Photo:", "Read more", "Also read", "Facebook", "Comments", "cookies", "newsletter",
                   "Mary Example"):
        assert chrome not in text
    assert ("Frost damaged orchards in the valley", "Valley Farmers' Union") in [(c.text, c.credit) for c in a.captions]


RUSSIAN_RELATED = """Новости дня

В городе открылся новый парк

12 мая 2024, 10:30

В воскресенье в городе открылся новый парк площадью десять гектаров, сообщили в мэрии.

Читайте также: В области начался сезон клубники

В парке высадили более тысячи деревьев и построили детские площадки.

Поделиться
"""


def test_russian_related_link_inside_the_body(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(RUSSIAN_RELATED, sources)
    a = page.article
    assert a is not None and a.title == "В городе открылся новый парк"
    text = body_text(page)
    assert "Читайте также" not in text and "Поделиться" not in text
    assert text.endswith("построили детские площадки.")
    assert a.published is not None and a.published.value.strftime("%Y-%m-%d %H:%M") == "2024-05-12 10:30"


OWN_TIME = """City time 12:05

Popular
Storm warning for the coast
07.06.2024 18:00

Bridge repairs finish ahead of schedule

10.06.2024 09:15

Repairs to the old bridge finished a week ahead of schedule, the city said on Monday.

Traffic will return to both lanes on Tuesday morning, when the last barriers are taken away.

More from the city

Weather service expects rain
08.06.2024 07:30
Market hall gets a new roof
08.06.2024 06:10
"""


def test_the_article_time_is_the_one_printed_with_it(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(OWN_TIME, sources).article
    assert a is not None and a.title == "Bridge repairs finish ahead of schedule"
    assert a.published is not None and a.published.value.strftime("%d.%m.%Y %H:%M") == "10.06.2024 09:15"
    assert "Weather service" not in " ".join(a.body)


CREDIT_LINE = """Wind farm plan approved

The regional council approved plans for a wind farm off the coast on Friday, ending two years of debate.

Construction is expected to start next spring.

Source: Coastal News Agency
"""


def test_agency_printed_outside_the_dateline(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(CREDIT_LINE, sources).article
    assert a is not None
    assert a.dateline is not None and a.dateline.place is None
    assert a.dateline.agency == "Coastal News Agency"
    assert "Source:" not in " ".join(a.body)


REPORTED_BY = """New tram line opens

The new tram line between the station and the university opened on Saturday, Citywire.net reports.

The trip takes twelve minutes.
"""


def test_agency_named_in_the_first_paragraph(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(REPORTED_BY, sources).article
    assert a is not None and a.dateline is not None and a.dateline.agency == "Citywire.net"


LISTING = """Latest news

Parliament passes the water bill
14:05 09.06.2024
Train strike called off after talks
13:40 09.06.2024
Heatwave expected at the weekend
12:10 09.06.2024
Local team reaches the cup final
11:55 09.06.2024
"""


def test_a_listing_yields_its_headlines_and_no_article(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(LISTING, sources)
    assert page.article is None
    assert len(page.newsline) == 4


def test_a_refusal_says_what_was_missing(sources) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IngestError, match="no paragraph of running text and no headline with a time"):
        parse("Home\nMenu\nSearch\nContact us\n", sources)


NO_HEADLINE = """PORTVILLE (Wire) — Dock workers voted on Thursday to accept a new pay deal, ending a strike that had lasted three weeks and held up ships in the harbour.

The deal raises wages by six percent over two years.
"""


def test_a_page_that_prints_no_headline_keeps_its_body(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(NO_HEADLINE, sources)
    a = page.article
    assert a is not None
    assert page.to_json()["title"] is None
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("PORTVILLE", "Wire")
    assert a.body[0].startswith("Dock workers voted on Thursday")


HARD_WRAPPED = """Lake levels fall after a dry spring

LAKESIDE, June 9 The level of the lake fell by half a metre
during a dry spring, the water board said on Sunday, and
boats were told to keep to the marked channel.
The board asked residents to save water until the rains
return.
"""


def test_hard_wrapped_paragraphs_are_read_whole(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(HARD_WRAPPED, sources).article
    assert a is not None and a.title == "Lake levels fall after a dry spring"
    assert a.dateline is not None and a.dateline.place == "LAKESIDE"
    assert a.body[0] == ("The level of the lake fell by half a metre during a dry spring, the water board said "
                         "on Sunday, and boats were told to keep to the marked channel.")
    assert a.body[1] == "The board asked residents to save water until the rains return."


STANDFIRST = """World

Talks on river treaty resume after a year

Delegations from the two countries met again on Monday to discuss sharing the water of the river that runs along their border

A boat on the river at dawn
© Jane Picture/Agency

The talks, held in the border town, are the first since negotiations broke down last summer.

Both sides said they hoped to sign an agreement before the end of the year.
"""


def test_standfirst_and_caption_under_the_headline(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(STANDFIRST, sources).article
    assert a is not None
    assert a.title == "Talks on river treaty resume after a year"
    assert a.category == "World"
    assert a.lede is not None and a.lede.startswith("Delegations from the two countries")
    assert a.captions[0].text == "A boat on the river at dawn" and a.captions[0].credit == "Jane Picture/Agency"
    assert a.body[0].startswith("The talks, held in the border town")


def test_explain_gives_every_line_a_role_and_reason(sources) -> None:  # type: ignore[no-untyped-def]
    explained = pages.explain_page(BYLINE_AND_PHOTO, sources=sources, captured=CAPTURED)
    assert len(explained.lines) == len(BYLINE_AND_PHOTO.split("\n"))
    roles = {text: role for _, role, _, text in explained.lines}
    assert roles["Farmers count the cost of the late frost"] == "title"
    assert roles["By Mary Example"] == "meta"
    assert roles["Photo: John Sample"] == "credit"
    assert roles["Read more: How orchards protect blossom from frost"] == "boilerplate"
    assert all(reason for _, _, reason, _ in explained.lines)


def test_explain_marks_news_line_blocks(sources) -> None:  # type: ignore[no-untyped-def]
    explained = pages.explain_page(LISTING, sources=sources, captured=CAPTURED)
    roles = [role for _, role, _, text in explained.lines if text.strip() and text != "Latest news"]
    assert roles and all(r.startswith(("newsline", "news-line")) for r in roles)
    assert explained.refusal is None


def test_a_source_may_say_its_first_paragraph_is_the_lede(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sources.toml"
    path.write_text('[daily]\nname = "Daily"\nphrases = ["Daily Example"]\nlede = "first-paragraph"\n')
    own = sources_mod.load(path, "UTC")
    text = "A headline for the day\n\nThe first paragraph, Daily Example says.\n\nThe second paragraph follows.\n"
    a = pages.parse_page(text, sources=own, captured=CAPTURED).article
    assert a is not None and a.lede == "The first paragraph, Daily Example says."
    assert a.body == ("The second paragraph follows.",)
    path.write_text('[daily]\nname = "Daily"\nlede = "sometimes"\n')
    with pytest.raises(ConfigError, match="lede"):
        sources_mod.load(path, "UTC")


LIVE_BLOG = """Live: storms sweep across the north

14:05 GMT — Heavy rain flooded roads in three northern towns on Wednesday, the regional police said.

Emergency crews pumped water from cellars through the afternoon.

Load more 👇

13:40 GMT — Schools close early as the storm arrives

Pupils were sent home at noon in several districts.
"""


def test_live_blog_entry_clock(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(LIVE_BLOG, sources).article
    assert a is not None
    assert a.title == "Live: storms sweep across the north"
    assert a.body == ("Heavy rain flooded roads in three northern towns on Wednesday, the regional police said.",
                      "Emergency crews pumped water from cellars through the afternoon.")


WEEKDAY = """Storms sweep across the north

Wednesday, June 5, 2024 14:05

Heavy rain flooded roads in three northern towns on Wednesday, the regional police said.
"""


def test_a_weekday_before_the_date_is_no_section(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(WEEKDAY, sources).article
    assert a is not None and a.category is None
    assert a.published is not None and a.published.value.strftime("%Y-%m-%d %H:%M") == "2024-06-05 14:05"


PRINTED_OFFSET = """Port reopens after the strike
9 June 2024 17:48 (UTC +04:00)
Share - Telegram - WhatsApp

The port reopened on Sunday after a two-day strike, the port authority said.

Ships waiting at anchor began to unload in the evening. (portnews.az)

Read the other stories of the day on our home page, where the editors pick the most important ones.
"""


def test_offset_printed_after_the_time_share_row_and_closing_source(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(PRINTED_OFFSET, sources).article
    assert a is not None and a.title == "Port reopens after the strike"
    assert a.published is not None and a.published.value.isoformat() == "2024-06-09T17:48:00+04:00"
    assert a.body[-1] == "Ships waiting at anchor began to unload in the evening."
    assert a.dateline is not None and a.dateline.agency == "portnews.az"
    assert "Telegram" not in " ".join(a.body)


CUT_PAGE = """Museum buys a lost painting

The city museum has bought a painting that was lost for a century, its director said on Friday.
The work will go on show in the main hall next month, after restorers have cleaned"""


def test_a_page_cut_inside_its_last_paragraph_keeps_it(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(CUT_PAGE, sources).article
    assert a is not None
    assert a.body[-1].endswith("after restorers have cleaned")


DATELINE_ALONE = """Ministers agree on a new rail link

HARBOURTON, Eastland, Nov. 2
Wire:
The transport ministers of two neighbouring countries agreed on Saturday to build a rail link between their capitals.

Work is due to begin next year.
"""


def test_a_dateline_on_its_own_lines_with_its_agency(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(DATELINE_ALONE, sources).article
    assert a is not None and a.title == "Ministers agree on a new rail link"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("HARBOURTON", "Wire")
    assert a.published is not None and a.published.value.strftime("%m-%d") == "11-02" and a.published.inferred
    assert a.body[0].startswith("The transport ministers")


HOUR_MARK = """Le marché couvert rouvre ses portes

9 juin 2024, 18h05 | mis à jour : 9 juin 2024, 19h10

Le marché couvert de la ville a rouvert dimanche après deux ans de travaux, a annoncé la mairie.
"""


def test_a_clock_written_with_an_h(sources) -> None:  # type: ignore[no-untyped-def]
    text = HOUR_MARK.replace("9 juin 2024", "9 June 2024")  # the month names are the date module's business
    a = parse(text, sources).article
    assert a is not None and a.published is not None
    assert a.published.value.strftime("%Y-%m-%d %H:%M") == "2024-06-09 18:05"


LIST_AFTER = """Harbour bridge opens to traffic

The new harbour bridge opened to traffic on Monday, a year later than planned, the city council said.

Drivers crossed it for free on the first day.

Latest
Tram fares rise from next month
City library extends its opening hours
Rain expected for the weekend
"""


def test_a_heading_over_other_stories_ends_the_body(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(LIST_AFTER, sources).article
    assert a is not None
    assert a.body[-1] == "Drivers crossed it for free on the first day."


VIA_CREDIT = """Floodwater recedes in the river valley

Residents return to their homes after the flood (Regional Police Press Office via Wire)

Floodwater began to recede in the river valley on Tuesday, and residents returned to clean their homes.

Officials said the main road would reopen on Thursday.
"""


def test_a_caption_credited_in_brackets(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(VIA_CREDIT, sources).article
    assert a is not None and a.title == "Floodwater recedes in the river valley"
    assert a.captions[0].credit == "Regional Police Press Office via Wire"
    assert a.body[0].startswith("Floodwater began to recede")


ARCHIVE_PHOTO = """Pipeline talks stall again

FILE - Workers weld a section of pipe near the border, March 3, 2021.
FILE - Workers weld a section of pipe near the border, March 3, 2021.

Talks on a new gas pipeline stalled again on Monday, an official told a news agency, as the two sides disagreed over prices.

The next round is planned for the spring, reports Pipewire.org.
"""


def test_archive_photo_captions_and_the_agency_named_in_the_text(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(ARCHIVE_PHOTO, sources).article
    assert a is not None and a.title == "Pipeline talks stall again"
    assert a.dateline is not None and a.dateline.place is None and a.dateline.agency == "Pipewire.org"
    assert a.body[0].startswith("Talks on a new gas pipeline")
    assert a.captions[0].text.startswith("FILE - Workers weld")


CUT_AFTER_HEADLINE = """Most read
Ferry fares rise in the spring 10:15 09.06.2024
New school opens in the old mill 09:40 09.06.2024

Culture
The harbour festival returns after a long break

Anna Example
9 June 2024, 13:55

1204

The harbour festival returns after a long break
Share

The fest"""


def test_a_page_cut_just_after_its_headline(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(CUT_AFTER_HEADLINE, sources).article
    assert a is not None and a.title == "The harbour festival returns after a long break"
    assert a.published is not None and a.published.value.strftime("%Y-%m-%d %H:%M") == "2024-06-09 13:55"
    assert a.body == ("The fest",)
