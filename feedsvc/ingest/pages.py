"""One scraped page text to a ParsedPage: headline, dateline, times, captions, lede, body and news line."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from ..errors import IngestError
from ..topics.sources import Sources
from . import boilerplate, dates, newsline
from .records import Article, Caption, Dateline, Headline, PageMeta, ParsedPage, Stamp

_UP = "A-ZА-ЯЁƏÖÜĞİŞÇ"
_PLACE = rf"(?P<place>[{_UP}][{_UP}'’.\- ]{{1,40}}?(?:,\s*[{_UP}][\w.]+)?)"
_DATELINES = tuple(re.compile(rx) for rx in (
    # SOCHI, May 17. /TASS/.      МОСКВА, 17 мая. /ТАСС/.
    rf"^{_PLACE},\s+(?P<date>[^./()]{{3,24}}?)\.?\s*/(?P<agency>[^/\s][^/]{{0,30}})/\.?\s*",
    # ANKARA, March 3 (AA) -      WASHINGTON (AP) —
    rf"^{_PLACE}(?:,\s+(?P<date>[^()]{{3,24}}?))?\s+\((?P<agency>[A-Za-z{_UP}][\w .&-]{{0,30}})\)\s*[-–—]+\s*",
    # Baku, 12 March, AZERTAC
    (rf"^(?P<place>[{_UP}][\w'’ -]{{1,30}}),\s+(?P<date>\d{{1,2}}\s+\w+|\w+\s+\d{{1,2}}),\s+"
     rf"(?P<agency>[{_UP}]{{2,}})\b[.:]?\s*"),
    # MOSCOW, March 3 —           MOSCOW —
    rf"^{_PLACE}(?:,\s+(?P<date>\w+\s+\d{{1,2}}|\d{{1,2}}\s+\w+))?\s+[-–—]+\s+(?P<agency>)",
))
_CREDIT_WORDS = r"(?:©|\(c\)|Photo:|Photo by|Photograph:|Фото:|Foto:|Source:|Image:)"
_CREDIT_ONLY = re.compile(
    rf"^(?:{_CREDIT_WORDS}\s*(?P<a>.+)|(?P<b>(?:[{_UP}][\w.'’-]*\s){{0,3}}[{_UP}][\w.'’-]*/[{_UP}][\w&-]*(?:[ /-][{_UP}][\w&-]*)*))$",
    re.IGNORECASE,
)
_CAPTION_CREDIT = re.compile(
    rf"^(?P<text>.{{8,}}?)\s+(?P<credit>(?:{_CREDIT_WORDS}\s*.+|(?:[{_UP}]\.\s)?[{_UP}][\w'’-]+(?:[ -][{_UP}][\w'’-]+)?"
    rf"/[{_UP}][\w&-]*(?:[ /-][{_UP}][\w&-]*)*))$"
)
_BYLINE = re.compile(r"^(?:By|Written by|Author:?|Автор:?|Müəllif:?|Yazar:?)\s+(?P<name>[^\d\W].{1,80})$", re.IGNORECASE)
_STAMP_PREFIX = re.compile(r"^(?:Published|Posted|Updated|Date|Опубликовано|Обновлено|Дата|Tarix|Yayımlanıb)\s*:?\s*",
                           re.IGNORECASE)
_TERMINAL = tuple(".!?\"”»)…’'")
_MAX_TITLE = 300
_HEAD_TEXTS = 2


@dataclass
class _Unit:
    """A run of lines of one kind within a paragraph."""

    kind: str  # "text", "meta" or "caption"
    text: str = ""
    para: int = 0


@dataclass
class _Head:
    category: str | None = None
    byline: str | None = None
    stamp: dates.Found | None = None


def detect_source(text: str, meta: PageMeta, sources: Sources) -> str | None:
    """Who published the page: its metadata, its own name in the text, or its dateline's agency."""
    if meta.source:
        return meta.source
    head = text[:4000]
    by_phrase = sources.by_phrase(head)
    if by_phrase:
        return by_phrase
    for line in head.split("\n")[:60]:
        line = line.strip()
        if not line[:1].isupper():  # every dateline opens with its place, in capitals
            continue
        for rx in _DATELINES:
            m = rx.match(line)
            if m and m.group("agency"):
                slug = sources.by_agency(m.group("agency").strip(" ."))
                if slug:
                    return slug
    return None


def parse_page(text: str, *, sources: Sources, meta: PageMeta | None = None,
               captured: datetime | None = None) -> ParsedPage:
    """Extract the article and news line of one page text, or raise IngestError when there is neither."""
    meta = meta or PageMeta()
    source = detect_source(text, meta, sources)
    zone = sources.zone(source)
    captured = meta.captured or captured
    lines = text.split("\n")
    line_ctx = dates.Context(zone, captured=captured)
    blocks = newsline.find_blocks(lines, line_ctx)
    consumed = frozenset().union(*(b.lines for b in blocks))
    seen: set[tuple[str, datetime]] = set()
    headlines: list[Headline] = []
    for pair in (p for b in blocks for p in b.pairs):
        key = (pair.title.casefold(), pair.stamp.value)
        if key not in seen:
            seen.add(key)
            headlines.append(Headline(pair.title, pair.stamp, source=source))
    warnings: list[str] = []
    rest = ["" if i in consumed else line for i, line in enumerate(lines)]
    article_ctx = dates.Context(zone, captured=captured, year=meta.published.year if meta.published else None)
    article = _article(rest, article_ctx, source, meta, warnings)
    if article is None and not headlines:
        raise IngestError("no recognisable article or news line")
    return ParsedPage(article, tuple(headlines), tuple(warnings))


def _category_stamp(line: str, ctx: dates.Context) -> tuple[str, dates.Found] | None:
    """``Politics 09:53 11.12.2019``: a section name and the publication time."""
    if len(line) > 80 or boilerplate.is_clock(line):
        return None
    found = dates.find(line, ctx)
    if found is None or found.start == 0:
        return None
    prefix = line[:found.start].strip(" |·•-–—/,")
    suffix = line[found.end:].strip(" |·•,")
    words = prefix.split()
    if suffix and not suffix.isdigit():
        return None
    if not 1 <= len(words) <= 4 or not all(w[0].isalpha() for w in words) or prefix.endswith(_TERMINAL):
        return None
    if _STAMP_PREFIX.match(prefix + " ") or _BYLINE.match(prefix):
        return None
    return prefix, found


def _stamp_line(line: str, ctx: dates.Context) -> dates.Found | None:
    if boilerplate.is_clock(line):
        return None
    return dates.whole(_STAMP_PREFIX.sub("", line.strip()), ctx)


def _meta_line(line: str, ctx: dates.Context, head: _Head) -> bool:
    """Record a category, time or byline line in ``head``; False when the line is none of these."""
    cat = _category_stamp(line, ctx)
    if cat:
        head.category = head.category or cat[0]
        head.stamp = head.stamp or cat[1]
        return True
    found = _stamp_line(line, ctx)
    if found:
        head.stamp = head.stamp or found
        return True
    m = _BYLINE.match(line.strip())
    if m:
        name = m.group("name")
        inner = dates.find(name, ctx)
        if inner:
            head.stamp = head.stamp or inner
            name = name[:inner.start]
        head.byline = head.byline or name.strip(" ,|·•-–—") or None
        return True
    return False


def _captions(lines: list[str], captions: list[Caption]) -> list[str | None]:
    """Move caption and credit lines of one paragraph into ``captions``; None marks a moved line."""
    out: list[str | None] = []
    for line in lines:
        text = line.strip()
        if text.endswith(_TERMINAL[:3]) and not text.startswith(("©", "(c)")):
            out.append(line)
            continue
        credit = _CREDIT_ONLY.match(text)
        if credit:
            value = (credit.group("a") or credit.group("b")).strip()
            prev = out[-1] if out else None
            if prev is not None and len(prev) <= _MAX_TITLE and not prev.strip().endswith(_TERMINAL[:3]):
                out[-1] = None
                _add_caption(captions, prev.strip(), value)
            elif not captions or captions[-1].credit != value:
                if captions and captions[-1].credit is None:
                    captions[-1] = replace(captions[-1], credit=value)
                else:
                    captions.append(Caption("", value))
            out.append(None)
            continue
        m = _CAPTION_CREDIT.match(text)
        if m:
            _add_caption(captions, m.group("text").strip(), m.group("credit").strip())
            out.append(None)
        elif any(c.text == text for c in captions):
            out.append(None)
        else:
            out.append(line)
    return out


def _add_caption(captions: list[Caption], text: str, credit: str | None) -> None:
    credit = re.sub(rf"^{_CREDIT_WORDS}\s*", "", credit or "", flags=re.IGNORECASE) or None
    for i, c in enumerate(captions):
        if c.text == text:
            if c.credit is None:
                captions[i] = replace(c, credit=credit)
            return
    captions.append(Caption(text, credit))


def _title_like(line: str) -> bool:
    text = line.strip()
    return (2 <= len(text) <= _MAX_TITLE and any(c.isalpha() for c in text)
            and not (text.endswith(".") and not text.endswith("...") and len(text) > 160))


def _units(lines: list[str], ctx: dates.Context, head: _Head, captions: list[Caption]) -> tuple[str | None, list[_Unit]]:
    """The title and the page's remaining units, with furniture dropped and captions moved out."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
        elif not boilerplate.is_furniture(line) and not (boilerplate.is_clock(line) and dates.find_time_only(line, ctx)):
            paragraphs[-1].append(line.strip())
    title: str | None = None
    units: list[_Unit] = []
    for p_index, para in enumerate(p for p in paragraphs if p):
        kept: list[str | None] = _captions(para, captions) if title is not None else list(para)
        for kept_line in kept:
            if kept_line is None:
                if units and units[-1].kind != "caption":
                    units.append(_Unit("caption", para=p_index))
                continue
            in_head = title is None or len([u for u in units if u.kind == "text"]) < _HEAD_TEXTS
            if in_head and _meta_line(kept_line, ctx, head):
                units.append(_Unit("meta", para=p_index))
                continue
            if title is None:
                if _title_like(kept_line):
                    title = " ".join(kept_line.split())
                    continue
                return None, []
            last = units[-1] if units else None
            if last and last.kind == "text" and last.para == p_index:
                last.text = f"{last.text} {kept_line}"
            else:
                units.append(_Unit("text", kept_line, p_index))
    return title, units


def _dateline(paragraph: str, ctx: dates.Context) -> tuple[Dateline, str, dates.Found | None] | None:
    for rx in _DATELINES:
        m = rx.match(paragraph)
        if not m:
            continue
        place = m.group("place").strip(" ,")
        if rx is not _DATELINES[2] and place != place.upper():
            continue
        date_text = m.groupdict().get("date") or ""
        found = dates.find(date_text, ctx) if date_text else None
        if date_text and found is None:
            continue
        agency = (m.group("agency") or "").strip(" .") or None
        return Dateline(place, agency), paragraph[m.end():].strip(), found
    return None


def _article(lines: list[str], ctx: dates.Context, source: str | None, meta: PageMeta,
             warnings: list[str]) -> Article | None:
    head = _Head()
    captions: list[Caption] = []
    title, units = _units(lines, ctx, head, captions)
    if title is None:
        return None
    texts = [i for i, u in enumerate(units) if u.kind == "text"]
    if not texts:
        warnings.append("article: a headline but no text under it")
        return None
    dateline: Dateline | None = None
    dateline_stamp: dates.Found | None = None
    start: int | None = None
    for i in texts[:6]:
        got = _dateline(units[i].text, ctx)
        if got:
            dateline, units[i].text, dateline_stamp = got
            start = i
            break
    if start is None:
        last_head = max((i for i, u in enumerate(units) if u.kind != "text"
                         and sum(1 for t in texts if t < i) < _HEAD_TEXTS), default=-1)
        start = next(i for i in texts if i > last_head) if any(i > last_head for i in texts) else texts[0]
    lede_parts = [units[i].text for i in texts if i < start]
    body = [units[i].text for i in texts if i >= start and units[i].text]
    while len(body) > 1 and _is_related_tail(body[-1]):
        body.pop()
    lede = " ".join(lede_parts) or None
    if lede is None and body:
        lede = body.pop(0)
    stamp = _published(head.stamp, dateline_stamp, meta, ctx, warnings)
    return Article(title=title, published=stamp, source=source, url=meta.url, dateline=dateline,
                   category=head.category, byline=head.byline, lede=lede, body=tuple(body),
                   captions=tuple(c for c in captions if c.text or c.credit), given_topics=meta.topics)


def _is_related_tail(paragraph: str) -> bool:
    """A headline-like line left after the body: a link to another article."""
    return len(paragraph) <= 200 and not paragraph.rstrip().endswith(_TERMINAL)


def _published(head: dates.Found | None, dateline: dates.Found | None, meta: PageMeta,
               ctx: dates.Context, warnings: list[str]) -> Stamp | None:
    candidates = [f for f in (head, dateline) if f is not None]
    candidates.sort(key=lambda f: f.stamp.precision != "minute")
    if candidates:
        found = candidates[0]
        if found.year_missing:
            warnings.append(f"published: the page prints no year; assumed {found.stamp.value.year} "
                            "from the capture time")
        return found.stamp
    if meta.published is not None:
        value = meta.published if meta.published.tzinfo else meta.published.replace(tzinfo=ctx.zone)
        return Stamp(value, "minute" if meta.published_has_time else "day", inferred=True)
    warnings.append("published: no publication time on the page")
    return None
