"""One scraped page text to a ParsedPage: its news line, then its article, and the role of every line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import IngestError
from ..topics.sources import Sources
from . import article, datelines, dates, lines, newsline
from .records import Headline, PageMeta, ParsedPage


def detect_source(text: str, meta: PageMeta, sources: Sources) -> str | None:
    """Who published the page: its metadata, its own name in the text, or its dateline's agency."""
    if meta.source:
        return meta.source
    head = text[:4000]
    by_phrase = sources.by_phrase(head)
    if by_phrase:
        return by_phrase
    ctx = dates.Context(sources.zone(None))
    for line in head.split("\n")[:60]:
        line = line.strip()
        if not line[:1].isalnum():
            continue
        got = datelines.match(line, ctx)
        if got and got[0].agency:
            slug = sources.by_agency(got[0].agency)
            if slug:
                return slug
    return None


@dataclass(frozen=True)
class Explained:
    """A parse with the role of every page line and why it got it."""

    page: ParsedPage | None
    lines: tuple[tuple[int, str, str, str], ...]  # (index, role, reason, text)
    refusal: str | None


def parse_page(text: str, *, sources: Sources, meta: PageMeta | None = None,
               captured: datetime | None = None) -> ParsedPage:
    """Extract the article and news line of one page text, or raise IngestError when there is neither."""
    explained = explain_page(text, sources=sources, meta=meta, captured=captured, keep_roles=False)
    if explained.page is None:
        raise IngestError(explained.refusal or "no recognisable article or news line")
    return explained.page


def explain_page(text: str, *, sources: Sources, meta: PageMeta | None = None,
                 captured: datetime | None = None, keep_roles: bool = True) -> Explained:
    """Parse one page text and keep the role given to each of its lines (unless ``keep_roles`` is False)."""
    meta = meta or PageMeta()
    text, stamped = lines.strip_store_stamp(text)
    source = detect_source(text, meta, sources)
    zone = sources.zone(source)
    captured = meta.captured or captured
    page_lines = text.split("\n")
    line_ctx = dates.Context(zone, captured=captured)
    blocks = newsline.find_blocks(page_lines, line_ctx)
    roles: dict[int, tuple[str, str]] = {}
    for block in blocks if keep_roles else ():
        given = getattr(block, "roles", None) or {}
        for i in block.lines:
            roles[i] = given.get(i, ("newsline", "in a news-line block"))
    consumed = frozenset().union(*(b.lines for b in blocks))
    seen: set[tuple[str, datetime]] = set()
    headlines: list[Headline] = []
    for pair in (p for b in blocks for p in b.pairs):
        key = (pair.title.casefold(), pair.stamp.value)
        if key not in seen:
            seen.add(key)
            headlines.append(Headline(pair.title, pair.stamp, source=source))
    article_ctx = dates.Context(zone, captured=captured, year=meta.published.year if meta.published else None)
    built = article.assemble(page_lines, consumed, article_ctx, source=source, meta=meta,
                             lede_first=sources.lede_first(source))
    roles.update(built.roles)
    if stamped:
        roles.setdefault(0, ("boilerplate", "the page store's date stamp"))
    listed = tuple((i, *roles.get(i, ("blank", "an empty line") if not line.strip() else
                                   ("boilerplate", "not read")), line)
                   for i, line in enumerate(page_lines)) if keep_roles else ()
    if built.article is None and not headlines:
        return Explained(None, listed, f"no recognisable article or news line: {built.missing} "
                                       "and no headline with a time")
    return Explained(ParsedPage(built.article, tuple(headlines), built.warnings), listed, None)
