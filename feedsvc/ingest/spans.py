"""A page cut into units for the news line: stamps, headline candidates and other text.

A unit is a line, or a piece of a line: a line that holds several dates (an RSS feed or a listing flattened
onto one line) is cut at each date, and a piece that glues a headline to its teaser is cut between them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from . import boilerplate, dates
from .records import Stamp

_MAX_TITLE = 250
GOOD = 0.75  # the score from which a text is taken for a headline over a label
_FLAT = 240  # a line this long with a date in it is a flattened list, not a headline with its time
_LABEL_WORDS = 4
_STRIP = " -–—|·•:,/()[]+*>➤▶►"
_TERMINAL = tuple(".!?")
# A dateline inside a teaser: ``Bishkek, Nov. 22, 2017. /Agency/.``; the place's words end the headline.
_PLACE_BEFORE = re.compile(r"(?:^|\s)((?:[A-ZА-ЯЁƏÖÜĞİŞÇ][\w'’.-]*\s?){1,3}),\s*$")
_JOIN_WORD = re.compile(r"(?:^(?:at|à|um|в|о)\s+|\s+(?:at|à|um|в|о|le)$)")  # lower case: a capital starts a headline
# ``1. Headlinepublished at 17:17 …``: a list number and a meta word glued to the headline are no part of it.
_META_TAIL = re.compile(r"(?:published|updated|posted)(?:\s+(?:at|on))?$", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"^\d{1,3}\.\s+(?=\D)")
_TAG_MARKS = ("-", "–", "—", "|", "•", "·")  # ``Source - 3/2/2024 4:15 PM``: a source or section, not a headline
_DIGIT = re.compile(r"\d")
_LEADING_COUNT = re.compile(r"^\d{1,5}\s+(?=\D)")
_OPENERS = frozenset(("the", "a", "an", "it", "this", "he", "she", "they", "in", "on", "at"))
# Words that Title Case leaves in lower case.
_SMALL_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "nor", "of", "on", "in", "at", "to", "for", "from", "by", "with", "as",
    "into", "over", "after", "before", "about", "than", "vs", "via", "up", "off", "out", "amid", "against",
))


@dataclass(frozen=True)
class Unit:
    """One unit: ``stamp`` set for a time, ``label`` the words printed beside it (a section, a source, or a
    headline on the same line), ``text`` for a text unit; ``clock`` marks a feed's own build time."""

    line: int
    text: str = ""
    stamp: dates.Found | None = None
    label: str = ""
    clock: bool = False
    dateline: bool = False
    day: dates.Found | None = None  # a date on the line above that this time was joined with
    tag: bool = False  # the label is set off from the time by a dash or a bar: a source or a section
    repeated: bool = False  # a few words printed again and again on the page: a section name

    @cached_property
    def worth(self) -> float:
        """How much the unit reads as a headline (``score``); 0 for a stamp or a dateline."""
        if self.stamp is not None or self.dateline:
            return 0.0
        return min(score(self.text), 0.5) if self.repeated else score(self.text)

    @cached_property
    def bare(self) -> bool:
        """A text unit with no letters (a bullet, a dash) that a headline may sit behind."""
        return self.stamp is None and not self.dateline and not any(c.isalpha() for c in self.text)


@lru_cache(maxsize=16384)
def score(text: str) -> float:
    """How much a text looks like a headline: 1 for a headline, 0.5 for a one- or two-word label, else 0."""
    n = len(text)
    if n < 2 or n > _MAX_TITLE or not any(c.isalpha() for c in text) or boilerplate.is_furniture(text):
        return 0.0
    if boilerplate.is_newsline_heading(text):
        return 0.0
    words = len(text.split())
    if words <= 2:
        return 0.5
    if n > 180 or words > 32 or (text.endswith(".") and n > 140):
        return 0.25
    if text.endswith(".") and not text.endswith(".."):
        return 0.75  # headlines seldom end with a full stop; the sentence above a list often does
    return 1.0


def _label(text: str) -> bool:
    """A few words beside a time that are not a headline: a section, a source, a view counter."""
    return len(text) <= 40 and len(text.split()) <= _LABEL_WORDS and not text.endswith(_TERMINAL)


def _title_case_end(text: str) -> int | None:
    """Where a Title Case headline glued to its sentence-case teaser ends (``… Request It marks the …``)."""
    words = text.split(" ")
    if len(words) < 6:
        return None
    caps = 0
    for j, word in enumerate(words):
        core = word.strip("‘’'\"“”«»()[],:;.!?")
        if not core:
            continue
        if core[0].islower() and core.casefold() not in _SMALL_WORDS:
            if j < 3 or caps < 3:
                return None
            k = j - 1  # the teaser starts at the capitalised word before, or at an opening word just before it
            m = k - 1
            while m > 0 and words[m][:1].isupper() and not words[m].endswith((",", ":", ";")):
                if words[m].strip("‘’'\"“”").casefold() in _OPENERS:
                    k = m
                    break
                m -= 1
            start = sum(len(w) + 1 for w in words[:k])
            return start - 1 if start > 0 else None
        if core[0].isupper() or core[0].isdigit():
            caps += 1
    return None


def _split_piece(line: int, piece: str) -> list[Unit]:
    piece = piece.strip(" ")
    if not piece:
        return []
    end = _title_case_end(piece) if len(piece) > 60 else None
    if end:
        return [Unit(line, piece[:end].strip(_STRIP)), Unit(line, piece[end:].strip())]
    return [Unit(line, piece)]


def _flattened(line: int, text: str, found: list[dates.Found]) -> list[Unit]:
    """A long line cut at each of its dates."""
    units: list[Unit] = []
    pos = 0
    for f in found:
        before = text[pos:f.start]
        tail = text[f.end:f.end + 2]
        if units and units[-1].stamp is not None and _LEADING_COUNT.match(before.lstrip()):
            units[-1] = Unit(line, stamp=units[-1].stamp, clock=True)  # a build date and its time-to-live
            pos = f.start - len(_LEADING_COUNT.sub("", before.lstrip()))
            before = text[pos:f.start]
        place = _PLACE_BEFORE.search(before)
        if place and tail[:1] in {".", " ", "/"} and f.stamp.precision == "day":
            # A dateline: it ends the headline and starts the teaser; its date is the story's, not an item's.
            units += _split_piece(line, before[:place.start(1)])
            units.append(Unit(line, text[pos + place.start(1):f.end], dateline=True))
            pos = f.end
            continue
        word = before.strip(_STRIP)
        if word and " " not in word and len(word) <= 12 and not word[:1].isdigit():
            units.append(Unit(line, stamp=f, label=word))  # ``date 2024-03-02``: a word that names the stamp
        else:
            units += _split_piece(line, before)
            units.append(Unit(line, stamp=f))
        pos = f.end
    after = text[pos:]
    if units and units[-1].stamp is not None and _LEADING_COUNT.match(after.lstrip()):
        units[-1] = Unit(line, stamp=units[-1].stamp, clock=True)
        after = _LEADING_COUNT.sub("", after.lstrip())
    units += _split_piece(line, after)
    return units


def _one(line: int, text: str, ctx: dates.Context) -> list[Unit]:
    digits = _DIGIT.search(text) is not None
    if not digits and len(text) > 40:
        return [Unit(line, text)]  # a relative day word alone on a line is short
    found = dates.spans(text, ctx, allow_relative=True)
    stamp = dates.covering(text, found) if len(text) <= 60 else None
    if stamp is not None:
        return [Unit(line, stamp=stamp)]
    if not digits or not found or boilerplate.is_clock(text):
        return [Unit(line, text)]
    precise = [f for f in found if f.has_day and not f.stamp.inferred]
    if len(precise) >= 2 and (len(text) > _FLAT or len(found) > 2):
        return _flattened(line, text, precise)
    f = found[0] if found[0].start < len(text) - found[-1].end else found[-1]
    if len(text) > _FLAT // 2 and f.stamp.precision == "day" and f.has_day:
        place = _PLACE_BEFORE.search(text[:f.start])
        if place and len(text[:place.start(1)].split()) >= 3:
            return _flattened(line, text, [f])  # ``Headline Place, date. Teaser``
    before, after = text[:f.start].strip(_STRIP), text[f.end:].strip(_STRIP)
    tag = bool(before) and text[:f.start].rstrip()[-1:] in _TAG_MARKS
    if before and after:
        if not (_label(after) or after.isdigit()):
            return [Unit(line, text)]  # a date inside a sentence or a dateline
        after = ""
    rest = before or after
    if rest and rest.split()[-1].isdigit() and len(rest.split()) <= 3:
        rest = ""  # a view or comment counter
    if rest and (f.stamp.precision == "day" and f.year_missing or not _label(rest) and score(rest) < GOOD):
        return [Unit(line, text)]  # a date inside a sentence
    rest = _LIST_NUMBER.sub("", _META_TAIL.sub("", _JOIN_WORD.sub("", rest)))
    return [Unit(line, stamp=f, label=rest, tag=tag and rest == before)]


def units(lines: Sequence[str], ctx: dates.Context) -> list[Unit]:
    """The page's units in order, blank lines left out."""
    out: list[Unit] = []
    pending: list[int] = []  # short bare pieces that may join into one stamp (``10`` / ``OCT`` / ``09:36``)
    for i, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        if len(text) <= 6 and not dates.whole(text, ctx):
            pending.append(i)
            out.append(Unit(i, text))
            continue
        got = _one(i, text, ctx)
        if len(got) == 1 and got[0].stamp is not None and not got[0].stamp.has_day and len(pending) >= 2:
            joined = " ".join(lines[j].strip() for j in pending[-2:]) + " " + text
            whole = dates.whole(joined, ctx)
            if whole is not None and whole.has_day:
                del out[-2:]
                got = [Unit(i, stamp=whole)]
        pending = []
        out.extend(got)
    return _mark_repeats(_join_day_and_time(out))


def _mark_repeats(units: list[Unit]) -> list[Unit]:
    counts = Counter(u.text for u in units if u.stamp is None and u.text)
    return [replace(u, repeated=True) if u.stamp is None and counts[u.text] > 1 and len(u.text.split()) <= _LABEL_WORDS
            else u for u in units]


def _join_day_and_time(units: list[Unit]) -> list[Unit]:
    """A date on one line and its time on the next become one stamp."""
    out: list[Unit] = []
    for u in units:
        prev = out[-1] if out else None
        if (prev is not None and prev.stamp is not None and u.stamp is not None and not u.stamp.has_day
                and prev.stamp.stamp.precision == "day" and u.line == prev.line + 1 and not prev.clock):
            out[-1] = Unit(u.line, stamp=with_day(u.stamp, prev.stamp), label=prev.label or u.label, day=prev.stamp)
            continue
        out.append(u)
    return out


def with_day(clock: dates.Found, day: dates.Found) -> dates.Found:
    """A bare time on the day of a date printed elsewhere (a day heading above a list of times)."""
    d, t = day.stamp.value, clock.stamp.value
    try:
        value = d.replace(hour=t.hour, minute=t.minute, second=t.second, tzinfo=t.tzinfo)
    except ValueError:
        return clock
    stamp = Stamp(value, "minute", inferred=day.stamp.inferred)
    return dates.Found(stamp, clock.start, clock.end, year_missing=day.year_missing)
