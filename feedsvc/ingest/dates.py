"""Publication times in the forms news sites print them, in the languages of calendar_words.

Dates and clock times are spotted separately by compiled patterns, then a date and a time that stand next to
each other (``14:26 / 23-11-2024``, ``17.01.2026, 13:41``) are joined into one span. Relative forms
(``2 hours ago``, ``вчера, 14:05``) are resolved against the capture time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache, lru_cache

from . import calendar_words
from .records import Precision, Stamp

# The short table other modules match month words with (page spotting uses calendar_words instead).
_MONTH_NAMES = {
    1: "january jan январь января янв yanvar yan",
    2: "february feb февраль февраля фев fevral fev",
    3: "march mar март марта мар mart",
    4: "april apr апрель апреля апр aprel",
    5: "may май мая",
    6: "june jun июнь июня июн iyun",
    7: "july jul июль июля июл iyul",
    8: "august aug август августа авг avqust avq",
    9: "september sep sept сентябрь сентября сен сент sentyabr sen",
    10: "october oct октябрь октября окт oktyabr okt",
    11: "november nov ноябрь ноября ноя noyabr noy",
    12: "december dec декабрь декабря дек dekabr dek",
}
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names.split()}

_SP = r"[ \t\u00a0]"
_TIME = re.compile(
    r"(?=\d)(?<![\d:.,/])(?P<H>[01]?\d|2[0-3])(?:(?P<sep>[:h])(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d)(?:\.\d+)?)?"
    r"|\.(?P<Md>[0-5]\d)(?=\s*Uhr)|(?P<Mg>[0-5]\d)(?=\s*(?:GMT|UTC)))(?!\d)"
    r"(?:" + _SP + r"?(?P<ampm>[ap]\.?" + _SP + r"?m\b\.?))?"
    r"(?:" + _SP + r"*(?P<zone>[+-](?:0\d|1[0-4]):?[0-5]\d|"
    + "|".join(sorted((re.escape(z).replace(r"\ ", _SP + "+") for z in calendar_words.ZONES), key=len, reverse=True))
    + r")(?![^\W\d_]))?(?:" + _SP + r"*(?:Uhr|ч\.|hrs)(?![^\W\d_]))?",
    re.IGNORECASE,
)
_ORDINAL = r"(?:st|nd|rd|th|-?(?:ci|cü|cı|cu|si|sı|su|sü|го|е|я))?"
_YEAR_WORD = r"(?:" + _SP + r"*(?:г\.|года|г|р\.|року|ж\.|жыл|il|yılı|y\.)(?![^\W\d_]))?"


@cache
def _dates() -> re.Pattern[str]:
    return re.compile(
        r"(?=\d)(?:(?<![\w.])(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})(?!\d)"
        r"|(?<![\w.:/-])(?P<d2>\d{1,2})(?P<s2>[./-])(?P<m2>\d{1,2})(?P=s2)(?P<y2>\d{4}|\d{2})(?!\d)(?!(?P=s2)\d)"
        r"|(?<![\w.:])(?P<d3>\d{1,2})" + _ORDINAL + r"\.?" + _SP + r"*(?:de" + _SP + r"+)?(?P<mon3>[^\W\d_]{3,12})\.?"
        r"(?:,?" + _SP + r"*(?P<y3>\d{4})(?!\d)" + _YEAR_WORD + r")?"
        r"|(?<![\w.:/])(?P<d5>[0-3]?\d)\.(?P<m5>[01]?\d)(?![\d.]))",
        re.IGNORECASE,
    )


# Month first (``March 3, 2024``): any word before a day number, kept only when the word names a month, so
# the engine tries no list of names at every letter.
_MONTH_FIRST = re.compile(r"(?<!\w)(?=[^\W\d_])(?P<mon4>[^\W\d_]{3,12})\.?" + _SP + r"+(?P<d4>\d{1,2})"
                          r"(?:st|nd|rd|th)?(?![\d:])(?:,?" + _SP + r"+(?P<y4>\d{4})(?!\d))?")


_JOIN = re.compile(r"[\s,/|·•–—(\-T]*(?:(?:at|à|в|о|o|saat|um|alle|le|kl\.?)(?![^\W\d_]))?[\s,/|·•–—)\-]*",
                   re.IGNORECASE)
_UNIT = (r"(?:секунд\w*|сек|минут\w*|мин|час\w*|ч|дн\w*|день|недел\w*|месяц\w*|годин\w*|год\w*|лет|хвилин\w*|хв"
         r"|тиж\w*|місяц\w*|рок\w*|saniy\w*|dəqiqə|dakika|dk|saat|sa|gün|həftə|hafta|ay|il|yıl"
         r"|sec(?:ond)?s?|s|min(?:ute)?s?|m|h(?:ou)?rs?|hours?|h|days?|d|weeks?|w|months?|mo|y(?:ea)?rs?|y"
         r"|Minuten?|Stunden?|Tagen?|Wochen?|Monaten?|Jahren?|heures?|jours?|semaines?|mois|ans?)")
_AMOUNT = r"(?:\d+|an?|one)" + r"\s*" + _UNIT + r"(?![^\W\d_])"
_RELATIVE = re.compile(
    r"(?<!\w)(?:(?P<amounts>" + _AMOUNT + r"(?:[\s,]+(?:and\s+)?" + _AMOUNT + r")*)\s+(?:ago|назад|тому|əvvəl|öncə|önce)"
    r"|(?:vor|il\s+y\s+a)\s+(?P<amounts2>" + _AMOUNT + r"))(?!\w)",
    re.IGNORECASE,
)
_RELATIVE_HINT = re.compile(r"ago|назад|тому|əvvəl|öncə|önce|vor\s|il\s+y\s+a", re.IGNORECASE)
_ONE_AMOUNT = re.compile(r"(?P<n>\d+|an?|one)\s*(?P<unit>" + _UNIT + r")(?![^\W\d_])", re.IGNORECASE)
_YESTERDAY = ("yesterday", "вчера", "вчора", "dünən", "dün", "gestern", "hier", "кеше", "kecha", "учора")
_TODAY = ("today", "сегодня", "сьогодні", "bu gün", "bugün", "heute", "aujourd'hui", "бүгін", "bugun", "сёння")
_DAY_LEADS = "".join(sorted({c for w in _YESTERDAY + _TODAY for c in (w[0], w[0].upper())}))
_DAY_WORD = re.compile(r"(?=[" + _DAY_LEADS + r"])(?<!\w)(?P<word>" + "|".join(w.replace(" ", r"\s?") for w in _YESTERDAY + _TODAY)
                       + r")(?!\w)(?!['’]\w)", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_HAS_LETTER_DIGIT = re.compile(r"[^\W\d_]\.?" + _SP + r"+\d")
# Minutes in a unit, found by the unit's first letters; the longer prefixes are tried first.
_UNIT_MINUTES = (("годин", 60), ("год", 525600), ("мес", 43200), ("міс", 43200), ("mo", 43200), ("ay", 43200),
                 ("sec", 0), ("сек", 0), ("saniy", 0), ("s", 0), ("min", 1), ("мин", 1), ("хв", 1), ("də", 1),
                 ("dak", 1), ("dk", 1), ("m", 1), ("h", 60), ("ч", 60), ("sa", 60), ("st", 60), ("d", 1440),
                 ("дн", 1440), ("де", 1440), ("gü", 1440), ("t", 1440), ("j", 1440), ("w", 10080), ("нед", 10080),
                 ("тиж", 10080), ("hə", 10080), ("haf", 10080), ("sem", 10080), ("y", 525600), ("лет", 525600),
                 ("рок", 525600), ("il", 525600), ("yı", 525600), ("a", 525600))
_UNITS_LONGEST_FIRST = sorted(_UNIT_MINUTES, key=lambda kv: -len(kv[0]))


@dataclass(frozen=True)
class Found:
    """A time found in a text: the stamp, where it stood, and whether its year was supplied from outside.

    ``has_day`` is False for a bare clock time, whose day was taken from the capture time.
    """

    stamp: Stamp
    start: int
    end: int
    year_missing: bool = False
    has_day: bool = True


@dataclass(frozen=True)
class Context:
    """What a date needs from outside its text: the zone, the capture time, and a known year."""

    zone: tzinfo
    captured: datetime | None = None
    year: int | None = None


def _month(token: str) -> int | None:
    table = calendar_words.months()
    key = token.casefold().rstrip(".")
    return table.get(key) or table.get(key.replace("i̇", "i")) or table.get(key.replace("i", "ı"))


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _reference(ctx: Context) -> datetime:
    return (ctx.captured or datetime.now(UTC)).astimezone(ctx.zone)


def _infer_year(month: int, day: int, ctx: Context) -> tuple[int, bool]:
    """The year of a date printed without one: a known year, else the latest not after capture."""
    if ctx.year is not None:
        return ctx.year, False
    ref = _reference(ctx).date()
    year = ref.year
    try:
        if date(year, month, day) > ref + timedelta(days=1):
            year -= 1
    except ValueError:
        year -= 1
    return year, True


def _day(m: re.Match[str]) -> tuple[int | None, int, int, bool] | None:
    """(year or None, month, day, weak) of a date match; weak dates count only next to a time."""
    g = m.groupdict()
    if g.get("mon4"):
        month = _month(g["mon4"])
        return None if month is None else (_year(g["y4"]) if g["y4"] else None, month, int(g["d4"]), False)
    if g["y1"]:
        return int(g["y1"]), int(g["m1"]), int(g["d1"]), False
    if g["d2"]:
        return _year(g["y2"]), int(g["m2"]), int(g["d2"]), False
    if g["mon3"]:
        month = _month(g["mon3"])
        return None if month is None else (_year(g["y3"]) if g["y3"] else None, month, int(g["d3"]), False)
    return None, int(g["m5"]), int(g["d5"]), True


def _clock(m: re.Match[str]) -> tuple[int, int, int, timedelta | None, bool] | None:
    """(hour, minute, second, offset or None, twelve-hour) of a time match."""
    hour = int(m["H"])
    minute = int(m["M"] or m["Md"] or m["Mg"])
    ampm = (m["ampm"] or "").casefold().replace(".", "").replace(" ", "").replace("\u00a0", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    offset = None
    zone = m["zone"]
    if zone:
        if zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            offset = (-1 if zone[0] == "-" else 1) * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        else:
            offset = calendar_words.zone_offset(zone)
    return hour, minute, int(m["S"] or 0), offset, bool(ampm)


def _joins(gap: str) -> bool:
    if len(gap) > 24:
        return False
    if _JOIN.fullmatch(gap):
        return True
    words = [w.strip(".,") for w in gap.replace("-", " ").split()]
    return bool(words) and all(w.casefold() in calendar_words.weekdays() or not w for w in words)


def _weekday_before(text: str, start: int) -> int:
    """Where a weekday name printed just before ``start`` begins (``Thu, 23 Nov``), else ``start``."""
    head = text[max(0, start - 20):start]
    m = re.search(r"([^\W\d_]+)\.?,?\s*$", head)
    if m and m.group(1).casefold() in calendar_words.weekdays():
        return start - len(head) + m.start()
    return start


def _build(day: tuple[int | None, int, int, bool] | None, clock: tuple[int, int, int, timedelta | None, bool] | None,
           ctx: Context, start: int, end: int, slashed_us: bool) -> Found | None:
    if day is None:
        if clock is None:
            return None
        ref = _reference(ctx)
        zone: tzinfo = timezone(clock[3]) if clock[3] is not None else ctx.zone
        value = ref.astimezone(zone).replace(hour=clock[0], minute=clock[1], second=0, microsecond=0)
        if value > ref + timedelta(minutes=5):
            value -= timedelta(days=1)
        return Found(Stamp(value, "minute", inferred=True), start, end, has_day=False)
    year, month, dom, _weak = day
    if slashed_us and dom <= 12:
        month, dom = dom, month  # 07/05/2025 8:20 PM: the twelve-hour clock goes with the month-first order
    if month > 12 and dom <= 12:
        month, dom = dom, month
    guessed = False
    if year is None:
        year, guessed = _infer_year(month, dom, ctx)
    precision: Precision = "minute" if clock else "day"
    hour, minute, second = clock[:3] if clock else (0, 0, 0)
    zone = timezone(clock[3]) if clock and clock[3] is not None else ctx.zone
    try:
        value = datetime(year, month, dom, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    return Found(Stamp(value, precision, inferred=guessed or (day[0] is None and ctx.year is not None)),
                 start, end, year_missing=guessed)


_SPAN_MEMO: dict[tuple[str, tzinfo, int | None, bool], tuple[Found, ...]] = {}


def spans(text: str, ctx: Context, *, allow_relative: bool = False) -> list[Found]:
    """Every date and time span in ``text``, in order; relative forms only when allowed.

    Results that do not depend on the capture time are memoised: a site prints the same headlines and
    timestamps on every page.
    """
    key = (text, ctx.zone, ctx.year, allow_relative)
    known = _SPAN_MEMO.get(key)
    if known is not None:
        return list(known)
    found = _spans(text, ctx, allow_relative)
    if not any(f.stamp.inferred or f.year_missing for f in found):
        if len(_SPAN_MEMO) >= _MEMO_SIZE * 4:
            _SPAN_MEMO.clear()
        _SPAN_MEMO[key] = tuple(found)
    return found


@lru_cache(maxsize=8192)
def _groups(text: str) -> tuple[tuple[re.Match[str] | None, re.Match[str] | None], ...]:
    """The (date, time) matches of ``text`` that stand together, in order; the same for every zone."""
    clocks = list(_TIME.finditer(text))
    days = [m for m in _dates().finditer(text)
            if not (m["d5"] and any(c.start() <= m.start() < c.end() for c in clocks))
            and not (m["mon3"] and _month(m["mon3"]) is None)]
    if _HAS_LETTER_DIGIT.search(text):
        days += [m for m in _MONTH_FIRST.finditer(text) if _month(m["mon4"]) is not None
                 and not any(d.start() <= m.start() < d.end() for d in days)]
    clocks = [c for c in clocks if not any(d.start() <= c.start() < d.end() for d in days)]
    tokens = sorted([(m.start(), "d", m) for m in days] + [(m.start(), "t", m) for m in clocks],
                    key=lambda t: t[0])
    out: list[tuple[re.Match[str] | None, re.Match[str] | None]] = []
    i = 0
    while i < len(tokens):
        _, kind, m = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        joined = nxt is not None and nxt[1] != kind and _joins(text[m.end():nxt[2].start()])
        if joined and kind == "t" and after is not None and after[1] == "t" and nxt is not None \
                and _joins(text[nxt[2].end():after[2].start()]) and not _weak(nxt[2]):
            joined = False  # ``13:41 17.01.2026, 13:36``: the date has a time of its own after it
        if joined and nxt is not None:
            out.append((nxt[2], m) if kind == "t" else (m, nxt[2]))
            i += 2
        else:
            out.append((m, None) if kind == "d" else (None, m))
            i += 1
    return tuple(out)


def _spans(text: str, ctx: Context, allow_relative: bool) -> list[Found]:
    found: list[Found] = []
    for d, t in _groups(text) if _HAS_DIGIT.search(text) else ():
        span = _pair(text, d, t, ctx)
        if span is None:
            continue
        last = found[-1] if found else None
        if last is not None and not last.has_day and not span.has_day and _joins(text[last.end:span.start]):
            found[-1] = replace(last, end=span.end)  # ``06:45 GMT / 00:45 CST``: one time told in two zones
        else:
            found.append(span)
    if allow_relative:
        found.extend(_relatives(text, ctx, found))
        found.sort(key=lambda f: f.start)
        found = _clock_after_relative(text, found)
    return found


def _clock_after_relative(text: str, found: list[Found]) -> list[Found]:
    """``2m ago (11:00 GMT)``: the printed clock time is the stamp, the relative form only its gloss."""
    out: list[Found] = []
    for f in found:
        last = out[-1] if out else None
        if (last is not None and last.stamp.inferred and last.has_day and not f.has_day
                and _joins(text[last.end:f.start])):
            end = f.end + (1 if text[f.end:f.end + 1] == ")" else 0)
            out[-1] = replace(f, start=last.start, end=end)
            continue
        out.append(f)
    return out


def _weak(m: re.Match[str]) -> bool:
    return bool(m.groupdict().get("d5"))


def _pair(text: str, d: re.Match[str] | None, t: re.Match[str] | None, ctx: Context) -> Found | None:
    day = _day(d) if d is not None else None
    if d is not None and (day is None or (day[3] and t is None)):
        return None
    clock = _clock(t) if t is not None else None
    if t is not None and clock is None:
        return None
    if clock is None and t is not None:
        return None
    start = min(x.start() for x in (d, t) if x is not None)
    end = max(x.end() for x in (d, t) if x is not None)
    if d is not None:
        start = _weekday_before(text, start)
    us = bool(d is not None and d.groupdict().get("s2") == "/" and clock and clock[4])
    return _build(day, clock, ctx, start, end, us)


def _relatives(text: str, ctx: Context, absolute: list[Found]) -> list[Found]:
    ref = _reference(ctx)
    out: list[Found] = []
    taken = [(f.start, f.end) for f in absolute]
    for m in _RELATIVE.finditer(text) if _RELATIVE_HINT.search(text) else ():
        minutes = 0
        for amount in _ONE_AMOUNT.finditer(m["amounts"] or m["amounts2"] or ""):
            n_raw, unit = amount["n"].casefold(), amount["unit"].casefold()
            n = 1 if n_raw in {"a", "an", "one"} else int(n_raw)
            minutes += n * next((v for k, v in _UNITS_LONGEST_FIRST if unit.startswith(k)), 0)
        value = (ref - timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        precision: Precision = "minute" if minutes < 1440 else "day"
        if precision == "day":
            value = value.replace(hour=0, minute=0)
        out.append(Found(Stamp(value, precision, inferred=True), m.start(), m.end()))
    for m in _DAY_WORD.finditer(text):
        back = 1 if m["word"].casefold().replace(" ", "") in {w.replace(" ", "") for w in _YESTERDAY} else 0
        day = ref.date() - timedelta(days=back)
        end, hm = m.end(), None
        clock = next(((s, e) for s, e in taken if s >= m.end() and _joins(text[m.end():s])), None)
        if clock is not None:
            tm = _TIME.match(text, clock[0])
            got = _clock(tm) if tm else None
            if got:
                hm, end = got[:2], clock[1]
        value = datetime(day.year, day.month, day.day, *(hm or (0, 0)), tzinfo=ctx.zone)
        out.append(Found(Stamp(value, "minute" if hm else "day", inferred=True), m.start(), end))
    if not out:
        return out
    # A day word swallows the bare time it was joined with.
    covered = [(f.start, f.end) for f in out]
    absolute[:] = [f for f in absolute if not any(s <= f.start and f.end <= e for s, e in covered)]
    return out


def find(text: str, ctx: Context, *, allow_relative: bool = False) -> Found | None:
    """The first publication-like time in ``text`` (with a day; relative forms only when allowed)."""
    absolute = spans(text, ctx) if _HAS_DIGIT.search(text) else []
    dated = next((f for f in absolute if f.has_day), None)
    if dated is not None or not allow_relative:
        return dated
    return next((f for f in _relatives(text, ctx, absolute) if f.has_day), None)


def find_time_only(text: str, ctx: Context) -> Found | None:
    """A bare clock time (``20:20``), taken as that time on the capture day."""
    if not _HAS_DIGIT.search(text):
        return None
    return next((f for f in spans(text, ctx) if not f.has_day), None)


_MEMO: dict[tuple[str, tzinfo, int | None], Found | None] = {}
_MEMO_SIZE = 5_000


def whole(text: str, ctx: Context) -> Found | None:
    """A time that is the whole of ``text`` (a timestamp line), allowing a trailing view counter.

    Results that do not depend on the capture time are memoised: a site prints the same news-line
    timestamps on every page.
    """
    stripped = text.strip().strip(_EDGE)
    if not stripped or len(stripped) > 60:
        return None
    if not _HAS_DIGIT.search(stripped) and not _DAY_WORD.match(stripped):
        return None
    key = (stripped, ctx.zone, ctx.year)
    if key in _MEMO:
        return _MEMO[key]
    found = _whole(stripped, ctx)
    if found is None or not (found.stamp.inferred or found.year_missing):
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = found
    return found


def _whole(stripped: str, ctx: Context) -> Found | None:
    return covering(stripped, spans(stripped, ctx, allow_relative=True))


_EDGE = "|·•-–—+ "


def covering(text: str, found: list[Found]) -> Found | None:
    """The first of ``found`` when it is the whole of ``text`` but for edge marks, a counter or a weekday."""
    if not found or text[:found[0].start].strip(_EDGE):
        return None
    first = found[0]
    rest = text[first.end:].strip(_EDGE).strip(" ,|·•/()")
    if rest and not rest.isdigit() and rest.casefold().rstrip(".") not in calendar_words.weekdays():
        return None
    return first
