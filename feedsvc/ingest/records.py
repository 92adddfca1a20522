"""Plain records that the ingest stages pass along: what a page says, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Precision = Literal["minute", "day"]
# Times this close to year 1 or 9999 overflow when moved to UTC or to a reader's zone.
YEARS = range(2, 9999)


def storable(value: datetime) -> bool:
    """Whether a time from a file can be stored and shown in any zone."""
    return value.year in YEARS


DAY_HOUR = 12  # a time known only to the day is stored at noon of that day in its own zone


@dataclass(frozen=True)
class Stamp:
    """A publication time as understood from a page: aware, with how much of it was printed."""

    value: datetime
    precision: Precision
    inferred: bool = False

    @property
    def stored(self) -> datetime:
        """The time to store: a day-precision stamp at noon in the zone it was read in, so that every reader
        within 11 hours of that zone still sees it on the day the source printed (midnight would put it on
        the day before west of it)."""
        if self.precision != "day":
            return self.value
        return self.value.replace(hour=DAY_HOUR, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Dateline:
    place: str | None  # None when only the agency is printed (a credit or source line)
    agency: str | None


@dataclass(frozen=True)
class Caption:
    text: str
    credit: str | None


@dataclass(frozen=True)
class Headline:
    """One entry of a news line, or a headline-only JSON Lines record."""

    title: str
    published: Stamp | None
    source: str | None = None
    url: str | None = None
    summary: str | None = None
    given_topics: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    title: str
    published: Stamp | None
    source: str | None
    url: str | None = None
    dateline: Dateline | None = None
    category: str | None = None
    byline: str | None = None
    lede: str | None = None
    body: tuple[str, ...] = ()
    captions: tuple[Caption, ...] = ()
    given_topics: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    title_printed: bool = True  # False: the page prints no headline and ``title`` opens the body


@dataclass(frozen=True)
class PageMeta:
    """Facts about a page that its text does not state, from a ``<name>.meta.toml`` beside it."""

    source: str | None = None
    url: str | None = None
    published: datetime | None = None
    published_has_time: bool = False
    captured: datetime | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedPage:
    """Everything extracted from one page text."""

    article: Article | None
    newsline: tuple[Headline, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The shape printed by ``flask parse --json``."""
        a = self.article
        stamp = a.published if a else None
        return {
            "title": a.title if a and a.title_printed else None,
            "published": stamp.value.isoformat() if stamp else None,
            "published_precision": stamp.precision if stamp else None,
            "published_inferred": bool(stamp and stamp.inferred),
            "dateline": ({"place": a.dateline.place, "agency": a.dateline.agency}
                         if a and a.dateline else None),
            "source": a.source if a else (self.newsline[0].source if self.newsline else None),
            "category": a.category if a else None,
            "byline": a.byline if a else None,
            "lede": a.lede if a else None,
            "body": list(a.body) if a else [],
            "captions": [{"text": c.text, "credit": c.credit} for c in a.captions] if a else [],
            "topics": list(a.topics) if a else [],
            "newsline": [
                {"title": h.title,
                 "published": h.published.value.isoformat() if h.published else None,
                 "topics": list(h.topics)}
                for h in self.newsline
            ],
            "warnings": list(self.warnings),
        }
