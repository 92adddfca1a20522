"""The shapes of scraped news text, beyond the two seeds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedsvc.errors import IngestError
from feedsvc.ingest import pages
from feedsvc.ingest.records import PageMeta

CAPTURED = datetime(2024, 3, 3, 15, 0, tzinfo=UTC)


def parse(text: str, sources, meta: PageMeta | None = None):  # type: ignore[no-untyped-def]
    return pages.parse_page(text, sources=sources, meta=meta, captured=CAPTURED)


AA_PAGE = """Latest news

Turkish parliament approves new budget after long debate

Politics | 03.03.2024 14:05

ANKARA, March 3 (AA) - The Turkish parliament approved the 2024 budget on Sunday after a debate that lasted two weeks.

Also read: Turkish lira steadies after central bank decision

Lawmakers from the ruling party voted in favour, while the opposition voted against.

Share: Facebook Twitter Telegram
Comments (0)

(END)
"""


def test_anadolu_dateline_category_and_furniture(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(AA_PAGE, sources)
    a = page.article
    assert a is not None
    assert a.title == "Turkish parliament approves new budget after long debate"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("ANKARA", "AA")
    assert a.source == "anadolu"
    assert a.category == "Politics"
    assert a.published is not None
    assert a.published.value.isoformat() == "2024-03-03T14:05:00+03:00"
    assert a.published.precision == "minute"
    assert a.lede is None  # no standfirst: the first paragraph is the body's
    assert a.body == ("The Turkish parliament approved the 2024 budget on Sunday after a debate that lasted two weeks.",
                      "Lawmakers from the ruling party voted in favour, while the opposition voted against.")


AP_PAGE = """Home
Search

Storm knocks out power to thousands along the East Coast

By Jane Doe
March 3, 2024 - 14:05

WASHINGTON (AP) — A powerful storm knocked out power to more than 200,000 homes on Sunday, officials said.

Utility crews worked through the night to restore service.

Copyright 2024 The Associated Press. All rights reserved.
"""


def test_ap_dateline_byline_and_date_line(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(AP_PAGE, sources).article
    assert a is not None
    assert a.title == "Storm knocks out power to thousands along the East Coast"
    assert a.byline == "Jane Doe"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("WASHINGTON", "AP")
    assert a.source == "ap"
    assert a.published is not None and a.published.value.isoformat() == "2024-03-03T14:05:00-05:00"
    assert a.body[0].startswith("A powerful storm knocked out power")
    assert a.body[1] == "Utility crews worked through the night to restore service."
    assert not any("Copyright" in p for p in a.body)


AZERTAC_PAGE = """Son xəbərlər
Hamısı

Azerbaijan and Uzbekistan sign agreement on transport links

12 mart 2024, 14:05

Baku, 12 March, AZERTAC. Azerbaijan and Uzbekistan signed an agreement on transport links on Tuesday.

The document was signed by the ministers of transport of the two countries.

Həmçinin oxuyun: Uzbek delegation visits Baku port
"""


def test_azertac_dateline_and_azerbaijani_furniture(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(AZERTAC_PAGE, sources).article
    assert a is not None
    assert a.title == "Azerbaijan and Uzbekistan sign agreement on transport links"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("Baku", "AZERTAC")
    assert a.source == "azertac"
    assert a.published is not None and a.published.value.isoformat() == "2024-03-12T14:05:00+04:00"
    assert a.body == ("Azerbaijan and Uzbekistan signed an agreement on transport links on Tuesday.",
                      "The document was signed by the ministers of transport of the two countries.")


TASS_RU_PAGE = """Все новости

Лавров провел переговоры с министром иностранных дел Турции

МОСКВА, 3 марта. /ТАСС/. Министр иностранных дел России Сергей Лавров провел переговоры с турецким коллегой.
Фото: Сергей Бобылев/ТАСС

Стороны обсудили ситуацию на Ближнем Востоке.

Читайте также: Песков прокомментировал визит
"""


def test_russian_tass_page(sources) -> None:  # type: ignore[no-untyped-def]
    page = parse(TASS_RU_PAGE, sources)
    a = page.article
    assert a is not None
    assert a.title == "Лавров провел переговоры с министром иностранных дел Турции"
    assert a.dateline is not None and (a.dateline.place, a.dateline.agency) == ("МОСКВА", "ТАСС")
    assert a.source == "tass"
    assert a.published is not None and a.published.value.isoformat() == "2024-03-03T00:00:00+03:00"
    assert a.published.inferred is True
    assert any("no year" in w for w in page.warnings)
    assert a.captions[0].credit == "Сергей Бобылев/ТАСС"
    assert all("Читайте" not in p and "Фото" not in p for p in a.body + (a.lede or "",))


CAPTIONS_PAGE = """Floods hit northern towns

Rescue teams evacuate residents from flooded streets
© Ivan Petrov/TASS

Residents wait for buses Photo: Reuters

ROSTOV-ON-DON, March 2. /TASS/. Floods hit several towns in the north of the region, officials said.

More than 300 people were evacuated overnight.
"""


def test_captions_and_credits(sources) -> None:  # type: ignore[no-untyped-def]
    a = parse(CAPTIONS_PAGE, sources).article
    assert a is not None
    assert [(c.text, c.credit) for c in a.captions] == [
        ("Rescue teams evacuate residents from flooded streets", "Ivan Petrov/TASS"),
        ("Residents wait for buses", "Reuters"),
    ]
    assert a.dateline is not None and a.dateline.place == "ROSTOV-ON-DON"
    assert a.body == ("Floods hit several towns in the north of the region, officials said.",
                      "More than 300 people were evacuated overnight.")


def test_news_line_time_before_headline(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Top story of the day

Something happened in the capital today, and people talked about it.

Latest news

14:05 03.03.2024
Government approves new budget
13:40 03.03.2024
Storm hits the coast
12:10 03.03.2024
Champions League final tickets sold out
"""
    page = parse(text, sources)
    assert [h.title for h in page.newsline] == ["Government approves new budget", "Storm hits the coast",
                                                "Champions League final tickets sold out"]
    assert page.newsline[1].published is not None
    assert page.newsline[1].published.value.strftime("%H:%M %d.%m.%Y") == "13:40 03.03.2024"
    assert page.article is not None and page.article.title == "Top story of the day"


def test_news_line_time_before_headline_without_blank_above(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Top story of the day

Something happened in the capital today, and people talked about it.
14:05 03.03.2024
Government approves new budget
13:40 03.03.2024
Storm hits the coast
"""
    page = parse(text, sources)
    assert [h.title for h in page.newsline] == ["Government approves new budget", "Storm hits the coast"]
    assert page.article is not None
    assert page.article.body == ("Something happened in the capital today, and people talked about it.",)


def test_news_line_on_one_line_each(sources) -> None:  # type: ignore[no-untyped-def]
    text = """News line
14:05 Government approves new budget
13:40 Storm hits the coast
Champions League final tickets sold out 12:10 03.03.2024
"""
    page = parse(text, sources)
    assert [h.title for h in page.newsline] == ["Government approves new budget", "Storm hits the coast",
                                                "Champions League final tickets sold out"]
    assert page.article is None
    assert page.newsline[0].published is not None and page.newsline[0].published.inferred


def test_news_line_heading_without_pairs_yields_none(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Talks end without agreement

The talks ended on Sunday without an agreement, the two delegations said.

News line

Hamısı
"""
    page = parse(text, sources)
    assert page.newsline == ()
    assert page.article is not None and page.article.title == "Talks end without agreement"


def test_site_clock_and_old_sidebar_are_not_publication_time(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Moscow time 14:05

Ministers meet to discuss grain deal

Ministers met on Sunday to discuss the grain deal, the ministry said.

They agreed to meet again next month.

News line
Grain prices rise
10:00 01.02.2021
Wheat harvest begins
09:00 01.02.2021
"""
    page = parse(text, sources)
    assert page.article is not None
    assert page.article.published is None
    assert any("no publication time" in w for w in page.warnings)
    assert len(page.newsline) == 2 and page.newsline[0].published.value.year == 2021  # type: ignore[union-attr]


def test_relative_time_in_header(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Markets close higher

2 hours ago

Markets closed higher on Sunday as investors welcomed the figures.

Analysts expect more gains.
"""
    a = parse(text, sources).article
    assert a is not None and a.published is not None
    assert a.published.value == datetime(2024, 3, 3, 13, 0, tzinfo=UTC)
    assert a.published.inferred is True


def test_related_links_and_wire_codes_after_body(sources) -> None:  # type: ignore[no-untyped-def]
    text = """Oil prices climb

LONDON (Reuters) - Oil prices climbed on Monday on supply worries.

Brent crude rose 2 percent to $85 a barrel.

(Reporting by John Smith; Editing by Jane Doe)

ar/mr

Related news

OPEC meets next week to discuss output

Gas prices fall in Europe
"""
    a = parse(text, sources).article
    assert a is not None
    assert a.source == "reuters"
    assert a.body[-1] == "(Reporting by John Smith; Editing by Jane Doe)" or a.body[-1].startswith("Brent")
    assert not any("OPEC meets" in p or "Gas prices" in p or p == "ar/mr" for p in a.body)


def test_metadata_supplies_year_without_warning(sources) -> None:  # type: ignore[no-untyped-def]
    text = "Kremlin comments\n\nSOCHI, May 17. /TASS/. The Kremlin commented on the meeting.\n\nMore text here.\n"
    page = parse(text, sources, PageMeta(published=datetime(2017, 5, 17)))
    assert page.article is not None and page.article.published is not None
    assert page.article.published.value.isoformat() == "2017-05-17T00:00:00+03:00"
    assert page.article.published.inferred
    assert page.warnings == ()


def test_year_inferred_with_warning(sources) -> None:  # type: ignore[no-untyped-def]
    text = "Kremlin comments\n\nSOCHI, May 17. /TASS/. The Kremlin commented on the meeting.\n\nMore text here.\n"
    page = parse(text, sources)
    assert page.article is not None and page.article.published is not None
    assert page.article.published.value.year == 2023  # the latest 17 May not after the capture, 3 March 2024
    assert page.article.published.inferred
    assert any("no year" in w for w in page.warnings)


@pytest.mark.parametrize("text", ["", "\n\n", "All news\nHamısı\n", "12345 67890", "." * 50])
def test_nothing_recognisable_is_an_ingest_error(text: str, sources) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IngestError, match="no recognisable article or news line"):
        parse(text, sources)


def test_metadata_topics_reach_the_article(sources) -> None:  # type: ignore[no-untyped-def]
    text = "Kremlin comments\n\nSOCHI, May 17. /TASS/. The Kremlin commented on the meeting.\n\nMore text here.\n"
    page = parse(text, sources, PageMeta(topics=("sports",)))
    assert page.article is not None and page.article.given_topics == ("sports",)
