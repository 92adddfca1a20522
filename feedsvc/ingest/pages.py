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
    article_ctx = dates.Context(zone, captured=captured, year=meta.published.year if meta.published else None)
    built = article.assemble(page_lines, consumed, article_ctx, source=source, meta=meta,
                             lede_first=sources.lede_first(source))
    pairs = [p for b in blocks for p in b.pairs]
    head = _head_pair(built, pairs, page_lines, consumed)
    reclaimed = False
    if head is not None:
        # the headline and time over the body were read as a news-line item: they are the article's
        again = article.assemble(page_lines, consumed - set(head.lines), article_ctx, source=source, meta=meta,
                                 lede_first=sources.lede_first(source))
        if again.article is not None and again.article.title_printed:
            built, consumed, reclaimed = again, consumed - set(head.lines), True
            for i in head.lines:
                roles.pop(i, None)
    if _a_teaser(built, page_lines, consumed, pairs, reclaimed=reclaimed):
        built = article.Assembly(None, {i: ("newsline", "a teaser under a news-line item: the page is a listing")
                                        for i in built.roles if built.roles[i][0] == "body"},
                                 (), "only teasers of a listing")

    seen: set[tuple[str, datetime]] = set()
    headlines: list[Headline] = []
    for pair in pairs:
        key = (pair.title.casefold(), pair.stamp.value)
        if key not in seen:
            seen.add(key)
            headlines.append(Headline(pair.title, pair.stamp, source=source))
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


def _head_pair(built: article.Assembly, pairs: list[newsline.Pair], page_lines: list[str],
               consumed: frozenset[int]) -> newsline.Pair | None:
    """The news-line item printed just over an article body that has no headline of its own."""
    if built.start is None or built.article is None or built.article.title_printed:
        return None
    above = next((i for i in range(built.start - 1, -1, -1) if page_lines[i].strip()), None)
    if above is None or above not in consumed:
        return None
    return next((p for p in pairs if above in p.lines), None)


def _a_teaser(built: article.Assembly, page_lines: list[str], consumed: frozenset[int],
              pairs: list[newsline.Pair], *, reclaimed: bool) -> bool:
    """True when the text taken for an article is a listing's teaser: one paragraph with no dateline and no
    headline but a news-line item's, with another item right under it."""
    a = built.article
    if a is None or built.start is None or len(a.body) > 1 or len(pairs) < 3 \
            or (a.dateline is not None and a.dateline.place) or (a.title_printed and not reclaimed):
        return False
    after = [i for i in range(built.start + 1, len(page_lines)) if page_lines[i].strip()][:2]
    if not any(i in consumed for i in after):
        return False
    title = " ".join(a.title.split()).casefold()
    printed = sum(1 for line in page_lines if " ".join(line.split()).casefold() == title)
    return not (a.title_printed and printed > 1)  # a page's own headline is often printed twice
