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

Traffic will return to both lanes on Tuesday morning.

Weather service expects rain 08.06.2024 07:30
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
    assert roles and all(r.startswith("newsline") for r in roles)
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
