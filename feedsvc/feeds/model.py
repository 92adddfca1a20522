"""What a feed holds, independent of its format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Entry:
    id: str  # the item's tag: URI, never a URL
    title: str
    link: str  # the item's page on this site, absolute
    published: datetime | None
    updated: datetime
    summary: str | None  # plain text
    content_html: str | None  # sanitised HTML with absolute URLs only
    authors: tuple[str, ...]
    categories: tuple[tuple[str, str], ...]  # (slug, title)
    subjects: tuple[tuple[str, str], ...] = ()  # (IPTC Media Topic code, title) of the categories that have one
    day: date | None = None  # the source's calendar day, when the time is known only to the day


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    type: str | None = None


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    self_url: str  # the address this document is fetched at
    home_url: str  # its HTML page
    updated: datetime  # newest change among its entries (fixed when empty): never the render time
    ttl_minutes: int
    entries: tuple[Entry, ...]
    links: tuple[Link, ...] = ()  # hub, prev-archive, next-archive, current
    archive: bool = False  # an RFC 5005 archive document
    language: str = "en"
