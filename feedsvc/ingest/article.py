"""An article assembled from a page's lines: the main run of body text, and the headline and meta above it."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from . import boilerplate, datelines, dates, heads, lines
from .lines import Line
from .records import Article, Caption, Dateline, PageMeta, Stamp

Roles = dict[int, tuple[str, str]]
_LOOK_AHEAD = 3  # non-body lines a body may carry before its next paragraph
_HEAD_REACH = 10  # lines above the body searched for its headline and meta
_LINKS_AFTER = ("continue reading", "read more", "читать далее", "читать дальше", "devamını oku", "ətraflı",
                "weiterlesen", "lire la suite", "детальніше", "подробнее")


@dataclass(frozen=True)
class Assembly:
    article: Article | None
    roles: Roles
    warnings: tuple[str, ...]
    missing: str | None = None  # why there is no article
    start: int | None = None  # the page line the body starts on


@dataclass
class _Page:
    ls: list[Line]
    prose: list[bool]
    datelines: dict[int, tuple[Dateline, str, dates.Found | None]]
    gaps: list[int]  # page line indexes that are not this article's (news-line blocks)
    ctx: dates.Context
    entries: dict[int, int]  # lines opening with a live blog's clock: how long the clock is

    def boundary(self, k: int) -> bool:
        """True when a news-line block stands between line ``k - 1`` and line ``k``."""
        if k <= 0 or k >= len(self.ls):
            return False
        lo, hi = self.ls[k - 1].index, self.ls[k].index
        at = bisect.bisect_right(self.gaps, lo)
        return at < len(self.gaps) and self.gaps[at] < hi

    def stop(self, k: int) -> bool:
        """A line no body runs past: a heading of other stories, a closing credit, another story's time."""
        line = self.ls[k]
        if k in self.entries or k in self.datelines:
            return True  # another entry of a live blog, another story's dateline
        if boilerplate.is_navigation(line.text) or boilerplate.is_newsline_heading(line.text):
            return True
        if heads.is_end_credit(line.text) or line.words <= 4 and line.text.casefold().startswith(_LINKS_AFTER):
            return True
        if line.words <= 3 and not line.digits and line.text[:1].isupper() and not self.prose[k] \
                and k + 1 < len(self.ls) and not self.prose[k + 1] and lines.is_title_like(self.ls[k + 1]) \
                and heads.caption_credit(self.ls[k + 1].text) is None:
            return True  # a heading over a list of other stories
        return line.date is not None and not self.prose[k] and line.words <= 16


def _read(page_lines: list[str], skip: frozenset[int], ctx: dates.Context) -> _Page:
    ls = lines.read(page_lines, skip, ctx)
    last = ls[-1].index if ls else -1
    prose = [lines.is_prose(line, last=line.index == last) and heads.caption_credit(line.text) is None
             and not datelines.is_file_photo(line.text) for line in ls]
    found: dict[int, tuple[Dateline, str, dates.Found | None]] = {}
    for k, line in enumerate(ls[:200]):
        if line.words >= 3 and not line.furniture:
            got = datelines.match(line.text, ctx)
            if got and len(got[1].split()) >= 3:
                found[k] = got
                prose[k] = True
    entries = {k: n for k, line in enumerate(ls) if (n := heads.entry_clock(line.text))}
    if len(ls) >= 2 and prose[-2] and not prose[-1] and ls[-1].words >= 6 and ls[-1].date is None \
            and not ls[-1].furniture and ls[-1].index - ls[-2].last <= 3 \
            and not any(ls[-2].last < i < ls[-1].index for i in skip):
        prose[-1] = True  # the page was cut inside the paragraph after the last whole one
    return _Page(ls, prose, found, sorted(skip), ctx, entries)


def _runs(p: _Page) -> list[tuple[int, int]]:
    """Stretches of body text: prose lines, with the captions and subheadings between them."""
    runs: list[tuple[int, int]] = []
    n = len(p.ls)
    k = 0
    while k < n:
        if not p.prose[k]:
            k += 1
            continue
        start = end = k
        j = k + 1
        while j < n and not p.boundary(j) and j not in p.datelines and j not in p.entries:
            if p.prose[j]:
                end = j
                j += 1
                continue
            if p.stop(j):
                break
            ahead = next((x for x in range(j + 1, min(n, j + 1 + _LOOK_AHEAD)) if p.prose[x]), None)
            if ahead is None or any(p.boundary(y) for y in range(j + 1, ahead + 1)) \
                    or any(p.stop(y) for y in range(j + 1, ahead)):
                break
            j = ahead
        runs.append((start, end))
        k = end + 1
    return runs


@dataclass
class _Head:
    title: int | None = None
    lede: list[int] | None = None
    category: str | None = None
    stamp: dates.Found | None = None
    byline: str | None = None
    agency: str | None = None
    dateline: tuple[Dateline, dates.Found | None] | None = None
    captions: list[Caption] | None = None
    crumb: str | None = None  # the last crumb of breadcrumbs above the headline


def add_caption(captions: list[Caption], text: str, credit: str | None) -> None:
    """One caption per text; a credit found later completes it."""
    for i, c in enumerate(captions):
        if c.text == text or (credit and not text and c.credit == credit):
            if c.credit is None and credit:
                captions[i] = Caption(c.text, credit)
            return
    captions.append(Caption(text, credit))


def _head(p: _Page, start: int, roles: Roles) -> _Head:
    """Headline, meta lines, captions and standfirst above the body that starts at line ``start``."""
    captions: list[Caption] = []
    out = _Head(lede=[], captions=[])
    metas: list[tuple[int, heads.Meta]] = []
    candidates: list[int] = []
    k = start - 1
    if k >= 0 and not p.boundary(start):
        got = datelines.alone(p.ls[k].text, p.ls[start].text, p.ctx) if k >= 0 else None
        if got is None and k >= 1:
            prev = datelines.alone(p.ls[k - 1].text, p.ls[k].text, p.ctx)
            if prev and prev[2]:
                got, k = prev, k - 1
                roles[p.ls[k + 1].index] = ("dateline", "the agency of the dateline above")
        if got:
            out.dateline = (got[0], got[1])
            roles[p.ls[k].index] = ("dateline", "a place in capitals on its own line above the body")
            k -= 1
    while k >= 0 and start - k <= _HEAD_REACH and not p.boundary(k + 1):
        line = p.ls[k]
        if p.prose[k]:
            below_credit = k + 1 < start and heads.is_credit_alone(p.ls[k + 1].text)
            if line.repeated or below_credit:
                roles[line.index] = ("caption", "running text printed twice, or above a photo credit")
                k -= 1
                continue
            above = p.ls[k - 1] if k >= 1 and not p.boundary(k) else None
            pictured = any(roles.get(p.ls[j].index, ("",))[0] in ("caption", "credit") for j in range(k + 1, start))
            if candidates or above is None or p.prose[k - 1] or not lines.is_title_like(above) or not pictured:
                break
            candidates.append(k)  # a standfirst under its headline
            k -= 1
            continue
        if line.furniture or line.separated:
            if line.separated and out.crumb is None:
                out.crumb = heads.category_of(line.text)
            roles[line.index] = ("boilerplate", "site furniture" if line.furniture else "a row of menu items")
            if candidates and not (line.symbols or lines.is_counter(line.text)):
                break
            k -= 1
            continue
        m = heads.meta(line, p.ctx)
        if m:
            metas.append((k, m))
            roles[line.index] = ("meta", "a time, category or byline line near the headline")
        elif heads.caption_credit(line.text) or datelines.is_file_photo(line.text):
            text, credit = heads.caption_credit(line.text) or (line.text, None)
            roles[line.index] = ("caption", "a caption with its credit, or of an archive photo")
            captions.insert(0, Caption(text, credit))
        elif heads.is_photo_credit(line.text):
            roles[line.index] = ("credit", "a photo credit")
            credit = heads.credit_value(line.text)
            if k - 1 >= 0 and lines.is_title_like(p.ls[k - 1]) and not p.prose[k - 1] \
                    and heads.caption_credit(p.ls[k - 1].text) is None and heads.is_credit_alone(line.text):
                roles[p.ls[k - 1].index] = ("caption", "the line above a photo credit")
                captions.insert(0, Caption(p.ls[k - 1].text, credit))
                k -= 1
            else:
                captions.insert(0, Caption("", credit))
        elif lines.is_title_like(line):
            below = p.ls[k + 1].text if k + 1 < len(p.ls) else ""
            cut = line.text.rstrip(".…")
            if candidates and line.text.casefold() == p.ls[candidates[-1]].text.casefold():
                roles[line.index] = ("boilerplate", "the headline printed again")
            elif cut != line.text and len(cut) >= 20 and below.startswith(cut) and k + 1 < start:
                roles[line.index] = ("caption", "a shortened caption, printed whole below")
                if candidates and candidates[-1] == k + 1:
                    candidates.pop()
                    roles[p.ls[k + 1].index] = ("caption", "a caption printed whole under its short form")
            else:
                candidates.append(k)
            if len(candidates) >= 3:
                break
        else:
            roles[line.index] = ("boilerplate", "neither headline nor meta")
        k -= 1
    assert out.captions is not None
    for c in captions:
        add_caption(out.captions, c.text, c.credit)
    _choose_title(p, out, candidates, [k for k, m in metas if m.stamp is not None], roles)
    _meta_fields(p, out, metas, roles)
    if out.category is None and out.title is not None:
        out.category = out.crumb
    return out


def _choose_title(p: _Page, out: _Head, candidates: list[int], metas: list[int], roles: Roles) -> None:
    """The nearest headline-like line, unless it is a standfirst or section name under the headline."""
    # captions repeated as text (``caption`` then ``caption Credit``) are not headlines
    shown = [c for c in candidates if roles.get(p.ls[c].index, ("",))[0] != "caption"]
    if not shown:
        return
    title = shown[0]
    longer = [c for c in shown[1:] if p.ls[c].words >= 4]
    if longer:
        near, far = p.ls[shown[0]], p.ls[longer[0]]
        standfirst = not near.repeated and (near.terminal or near.words >= 15 and near.words > far.words)
        label = near.words <= 3 and far.words >= 2 * near.words and not near.repeated
        # headline, its time, then a subtitle: the time stands between them
        timed = (not near.repeated and any(longer[0] < k < shown[0] for k in metas)
                 and not any(k > shown[0] for k in metas))
        if standfirst or label or timed:
            title = longer[0]
            for far_up in (c for c in shown if c < title and p.ls[c].words >= 4):
                chosen, above = p.ls[title], p.ls[far_up]
                if not chosen.repeated and (chosen.terminal or chosen.words >= 15 and chosen.words > above.words):
                    title = far_up  # the line taken was itself a standfirst
                break
    out.title = title
    roles[p.ls[title].index] = ("title", "the headline-like line nearest above the body")
    for c in shown:
        if c > title:
            name = heads.category_of(p.ls[c].text) if p.ls[c].words <= 3 else None
            if name and datelines.names_organisation(name) and _above_meta(p, c):
                out.byline = out.byline or name
                out.agency = out.agency or name
                roles[p.ls[c].index] = ("meta", "an agency's byline between the headline and its time")
                continue
            if name and out.category is None and _above_meta(p, c):
                out.category = name
                roles[p.ls[c].index] = ("category", "a section name between the headline and its time")
                continue
            assert out.lede is not None
            out.lede.append(c)
            roles[p.ls[c].index] = ("lede", "a standfirst between the headline and the body")
    for c in shown:
        if c < title:
            name = heads.category_of(p.ls[c].text)
            if name and c == title - 1 and out.category is None and p.ls[c].words * 2 <= p.ls[title].words:
                out.category = name
                roles[p.ls[c].index] = ("category", "a section name just above the headline")
            else:
                roles[p.ls[c].index] = ("boilerplate", "a headline-like line above the headline")


def _above_meta(p: _Page, k: int) -> bool:
    """True when the line under ``k`` carries a time."""
    return k + 1 < len(p.ls) and p.ls[k + 1].date is not None and not p.prose[k + 1]


def _meta_fields(p: _Page, out: _Head, metas: list[tuple[int, heads.Meta]], roles: Roles) -> None:
    below = sorted((m for m in metas if out.title is None or m[0] > out.title), key=lambda m: m[0])
    above = sorted((m for m in metas if out.title is not None and m[0] < out.title), key=lambda m: -m[0])
    for k, m in below + above:
        if m.category and out.category is None:
            out.category = m.category
        if m.byline and out.byline is None:
            out.byline = m.byline
        if m.agency and out.agency is None:
            out.agency = m.agency
    stamped = [(k, m) for k, m in below if m.stamp is not None]
    if not stamped:
        stamped = [(k, m) for k, m in above if m.stamp is not None and m.stamp.stamp.precision == "minute"
                   and out.title is not None and out.title - k <= 2]
    if not stamped:
        return
    days = [(k, m) for k, m in stamped if not m.time_only]
    clocks = [(k, m) for k, m in stamped if m.time_only]
    if days:
        k, m = days[0]
        assert m.stamp is not None
        stamp = m.stamp
        if stamp.stamp.precision == "day":
            clock = next((c for j, c in clocks if abs(j - k) <= 2), None)
            if clock is not None and clock.stamp is not None:
                stamp = heads.combine(stamp, clock.stamp)
        out.stamp = stamp


def _choose(p: _Page, runs: list[tuple[int, int]]) -> tuple[tuple[int, int], _Head, Roles] | None:
    scored = []
    for start, end in runs:
        roles: Roles = {}
        h = _head(p, start, roles)
        chars = sum(len(p.ls[k].text) for k in range(start, end + 1) if p.prose[k])
        weight = 1 + 0.5 * (h.title is not None) + 0.5 * (h.stamp is not None) \
            + 2 * (start in p.datelines or h.dateline is not None)
        scored.append((chars * weight, (start, end), h, roles))
    if not scored:
        return None
    best = max(s[0] for s in scored)
    _, run, h, roles = next(s for s in scored if s[0] >= 0.5 * best)
    return run, h, roles


def _cut_short(p: _Page) -> tuple[tuple[int, int], _Head, Roles] | None:
    """A page cut just after its headline: the words of the body's first line that it still holds."""
    k = len(p.ls) - 1
    if k < 1 or p.prose[k] or p.ls[k].furniture or p.ls[k].date is not None or p.ls[k].terminal \
            or p.ls[k].words > 6 or p.ls[k].index - p.ls[k - 1].last > 3:
        return None
    roles: Roles = {}
    h = _head(p, k, roles)
    if h.title is None or h.stamp is None and not (h.category or h.byline):
        return None
    return (k, k), h, roles


def assemble(page_lines: list[str], skip: frozenset[int], ctx: dates.Context, *, source: str | None,
             meta: PageMeta, lede_first: bool = False) -> Assembly:
    """The article of a page (or None, saying what was missing), and the role of every line."""
    p = _read(page_lines, skip, ctx)
    warnings: list[str] = []
    chosen = _choose(p, _runs(p))
    if chosen is None or chosen[1].title is None:
        chosen = _cut_short(p) or chosen
    if chosen is None:
        return Assembly(None, {}, (), "no paragraph of running text")
    (start, end), h, roles = chosen
    body, captions, agency = _body(p, start, end, roles, list(h.captions or []))
    if h.title is None:
        title_text = None
    else:
        title_text = p.ls[h.title].text
        glued = p.ls[h.title].date
        if glued is not None and glued.start <= 12 and len(title_text) - glued.end > 10 \
                and not any(c.isalnum() for c in _weekday_free(title_text[:glued.start])):
            title_text = title_text[glued.end:]
            h.stamp = h.stamp or glued
        title_text = title_text.strip(" |·•-–—,").lstrip("*➤►▶>+ ")
    dateline = None
    stamp_dl: dates.Found | None = None
    if start in p.datelines:
        dateline, rest, stamp_dl = p.datelines[start]
        body[0] = rest
    elif h.dateline:
        dateline, stamp_dl = h.dateline
    elif start in p.entries and body:
        body[0] = body[0][p.entries[start]:]
    for k in range(end + 1, min(len(p.ls), end + 4)):
        m = heads.meta(p.ls[k], ctx)
        if h.stamp is None and m is not None and m.stamp is not None and not m.time_only:
            h.stamp = m.stamp
            roles[p.ls[k].index] = ("meta", "the story's time printed just under its text")
        if h.category is None and m is not None and m.category and m.stamp is None:
            h.category = m.category
            roles[p.ls[k].index] = ("meta", "the story's section printed under its text")
    agency = (dateline.agency if dateline else None) or h.agency or agency
    if agency and (dateline is None or dateline.agency is None):
        dateline = Dateline(dateline.place if dateline else None, agency)
    lede_parts = [p.ls[k].text for k in h.lede or []]
    lede = " ".join(lede_parts) or None
    if lede is None and lede_first and len(body) > 1:
        lede = body.pop(0)
    stamp = _published(h.stamp, stamp_dl, meta, ctx, warnings)
    fallback = title_text or " ".join((body[0] if body else "").split()[:12])
    article = Article(title=fallback, published=stamp, source=source, url=meta.url, dateline=dateline,
                      category=h.category, byline=h.byline, lede=lede, body=tuple(body),
                      captions=tuple(c for c in captions if c.text or c.credit), given_topics=meta.topics, title_printed=title_text is not None)
    for line in p.ls:
        roles.setdefault(line.index, ("boilerplate", "outside the article's headline, meta and body"))
        for i in range(line.index + 1, line.last + 1):
            roles[i] = (roles[line.index][0], "runs on from the line above (hard-wrapped text)")
    return Assembly(article, roles, tuple(warnings), start=p.ls[start].index)


def _weekday_free(text: str) -> str:
    """``Tuesday `` before a date: one capitalised word, dropped."""
    words = text.split()
    return " ".join(words[1:]) if len(words) == 1 and words[0][:1].isupper() else text


def _body(p: _Page, start: int, end: int, roles: Roles,
          captions: list[Caption]) -> tuple[list[str], list[Caption], str | None]:
    body: list[str] = []
    agency: str | None = None
    kept: list[int] = []
    k = start
    while k <= end:
        line = p.ls[k]
        if p.prose[k]:
            kept.append(k)
            roles[line.index] = ("body", "running text" if k != start else "the first paragraph of running text")
        elif heads.caption_credit(line.text):
            text, credit = heads.caption_credit(line.text) or ("", "")
            roles[line.index] = ("caption", "a caption ending in its photo credit")
            add_caption(captions, text, credit)
        elif datelines.is_file_photo(line.text):
            roles[line.index] = ("caption", "the caption of an archive photo")
            add_caption(captions, line.text, None)
        elif heads.is_photo_credit(line.text):
            roles[line.index] = ("credit", "a photo credit inside the body")
            credit = heads.credit_value(line.text)
            if kept and kept[-1] == k - 1 and not p.ls[k - 1].terminal and heads.is_credit_alone(line.text):
                kept.pop()
                roles[p.ls[k - 1].index] = ("caption", "the line above a photo credit")
                add_caption(captions, p.ls[k - 1].text, credit)
            else:
                add_caption(captions, "", credit)
        elif line.furniture or boilerplate.is_related_link(line.text):
            roles[line.index] = ("boilerplate", "furniture or a related link inside the body")
        elif line.date is not None:
            roles[line.index] = ("boilerplate", "a time inside the body")
        else:
            kept.append(k)
            roles[line.index] = ("body", "a subheading between paragraphs")
        k += 1
    last = p.ls[-1].index
    while len(kept) > 1:
        tail = p.ls[kept[-1]]
        if tail.terminal or tail.inner_stop or (tail.index == last and tail.words >= 8):
            break
        roles[tail.index] = ("boilerplate", "a headline-like line after the body: a link to another story")
        kept.pop()
    for n, k in enumerate(kept):
        text = p.ls[k].text
        if body and not p.ls[k - 1].terminal and text[:1].islower() and k - 1 in kept:
            body[-1] = f"{body[-1]} {text}"
        else:
            body.append(text)
        if n + 1 < len(kept) and datelines.closes_story(text):
            for later in kept[n + 1:]:
                roles[p.ls[later].index] = ("boilerplate", "after the credit that closes the story")
            break
    if body:
        body[-1], closing = datelines.trailing_credit(body[-1])
        agency = agency or closing
    for k in range(end + 1, min(len(p.ls), end + 4)):
        named = datelines.credited(p.ls[k].text)
        if named:
            agency = agency or named
            roles[p.ls[k].index] = ("credit", "a source or copyright line after the body")
            break
    if agency is None:
        agency = next(filter(None, (datelines.reported_by(t) for t in body[:3])), None)
    return body, captions, agency


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
