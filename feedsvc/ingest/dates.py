"""Publication times in the forms news sites print them, in English, Russian and Azerbaijani."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz

from .records import Precision, Stamp

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
_MONTH = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?P<H>[01]?\d|2[0-3])[:.](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_TIME0 = r"(?P<H0>[01]?\d|2[0-3]):(?P<M0>[0-5]\d)"
_YEAR_WORD = r"(?:\s*(?:г\.|года|г|il|-?ci il|-?cü il))?"
_SEP = r"\s*(?:,|-|–|—|\||at|в|saat)?\s*"
_ZONE = r"(?:\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"

_MONTH_LEAD = "".join(sorted({m[0] for m in MONTHS}))
# Each form with a character it cannot do without, so most texts skip most searches, and a look-ahead for
# the characters its matches start with, so the engine skips other positions before trying the rest.
_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (name, re.compile(f"(?=[{lead}])" + rx, re.IGNORECASE), needs) for name, lead, rx, needs in (
        ("dotted", r"\d", r"(?:" + _TIME0 + r",?\s+)?(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})(?!\d)"
                   r"(?:" + _SEP + _TIME + ")?", "."),
        ("iso", r"\d", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ]" + _TIME + r"(?:\.\d+)?" + _ZONE + ")?", "-"),
        ("day_month", r"\d", r"(?:" + _TIME0 + r",?\s+)?(?<![\d:])(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH
                      + r"(?:,?\s+(?P<y>\d{4})(?!\d)" + _YEAR_WORD + ")?(?:" + _SEP + _TIME + ")?", ""),
        ("month_day", r"\d" + _MONTH_LEAD, r"(?:" + _TIME0 + r",?\s+)?(?<![\w])" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
                      r"(?:,?\s+(?P<y>\d{4})(?!\d))?(?:" + _SEP + _TIME + ")?", ""),
        ("slashed", r"\d", r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s+" + _TIME + ")?", "/"),
        ("rfc822", r"\dMTWFS", (r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                    r"\s+\d{2,4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC|UT|[ECMP][SD]T|Z)"), ":"),
    )
)
_RELATIVE = re.compile(
    r"(?=[\dao])(?:(?P<n>\d+|an?|one)\s+(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?)\s+ago"
    r"|(?P<n_ru>\d+)\s+(?P<unit_ru>минут[уы]?|час(?:а|ов)?|дн(?:я|ей)|день|недел[юиь])\s+назад"
    r"|(?P<n_az>\d+)\s+(?P<unit_az>dəqiqə|saat|gün|həftə)\s+(?:əvvəl|öncə))",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(
    r"(?=[tyсвbd])(?P<word>today|yesterday|сегодня|вчера|bu\s?gün|dünən)(?:" + _SEP + _TIME + ")?", re.IGNORECASE
)
_TIME_ONLY = re.compile(r"(?=\d)(?<![\d:.])" + _TIME + r"(?![\d:])")
_UNIT_MINUTES = {"min": 1, "h": 60, "d": 1440, "w": 10080, "м": 1, "ч": 60, "д": 1440, "н": 10080,
                 "də": 1, "sa": 60, "gü": 1440, "hə": 10080}
_HAS_DIGIT = re.compile(r"\d")
_YESTERDAY = {"yesterday", "вчера", "dünən"}


@dataclass(frozen=True)
class Found:
    """A time found in a text: the stamp, where it stood, and whether its year was supplied from outside."""

    stamp: Stamp
    start: int
    end: int
    year_missing: bool = False


@dataclass(frozen=True)
class Context:
    """What a date needs from outside its text: the zone, the capture time, and a known year."""

    zone: tzinfo
    captured: datetime | None = None
    year: int | None = None


def _month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _hour(groups: dict[str, str | None]) -> tuple[int, int] | None:
    if groups.get("H") is not None:
        hour, minute = int(groups["H"] or 0), int(groups["M"] or 0)
        ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        return hour, minute
    if groups.get("H0") is not None:
        return int(groups["H0"] or 0), int(groups["M0"] or 0)
    return None


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _infer_year(month: int, day: int, ctx: Context) -> tuple[int, bool]:
    """The year of a date printed without one: a known year, else the latest not after capture."""
    if ctx.year is not None:
        return ctx.year, False
    ref = (ctx.captured or datetime.now(UTC)).astimezone(ctx.zone).date()
    year = ref.year
    try:
        if date(year, month, day) > ref + timedelta(days=1):
            year -= 1
    except ValueError:
        year -= 1
    return year, True


def _build(name: str, m: re.Match[str], ctx: Context) -> tuple[Stamp, bool] | None:
    g = m.groupdict()
    if name == "rfc822":
        parts = parsedate_tz(m.group(0))
        if parts is None:
            return None
        offset = parts[9] or 0
        year = _year(str(parts[0])) if parts[0] < 100 else parts[0]
        try:
            value = datetime(year, parts[1], parts[2], parts[3], parts[4], parts[5],
                             tzinfo=timezone(timedelta(seconds=offset)))
        except ValueError:
            return None
        return Stamp(value, "minute"), False
    month = _month(g["mon"]) if g.get("mon") else int(g["m"])
    day = int(g["d"])
    year_missing = g.get("y") is None
    if year_missing:
        year, guessed = _infer_year(month, day, ctx)
    else:
        year, guessed = _year(g["y"]), False
    hm = _hour(g)
    if hm is None and g.get("ampm"):
        return None
    precision: Precision = "minute" if hm else "day"
    hour, minute = hm or (0, 0)
    second = int(g["S"]) if g.get("S") and hm else 0
    zone: tzinfo = ctx.zone
    if g.get("tz"):
        zone = _fixed_zone(g["tz"])
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    return Stamp(value, precision, inferred=year_missing), guessed


def _fixed_zone(raw: str) -> tzinfo:
    if raw.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def find(text: str, ctx: Context, *, allow_relative: bool = False) -> Found | None:
    """The first publication-like time in ``text`` (with a day; relative forms only when allowed)."""
    best: tuple[int, int, str, re.Match[str]] | None = None
    if not _HAS_DIGIT.search(text):
        return _relative(text, ctx) if allow_relative else None
    for name, pattern, needs in _PATTERNS:
        if needs not in text:
            continue
        m = pattern.search(text)
        if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
            best = (m.start(), m.end(), name, m)
            if m.start() == 0 and m.end() == len(text):
                break  # nothing can start earlier or reach further
    if best is not None:
        built = _build(best[2], best[3], ctx)
        if built is not None:
            stamp, guessed = built
            return Found(stamp, best[0], best[1], year_missing=guessed)
    if allow_relative:
        return _relative(text, ctx)
    return None


def _relative(text: str, ctx: Context) -> Found | None:
    ref = (ctx.captured or datetime.now(UTC)).astimezone(ctx.zone)
    m = _RELATIVE.search(text)
    if m:
        n_raw = m.group("n") or m.group("n_ru") or m.group("n_az")
        unit = (m.group("unit") or m.group("unit_ru") or m.group("unit_az")).lower()
        n = 1 if n_raw.lower() in {"a", "an", "one"} else int(n_raw)
        minutes = next(v for k, v in _UNIT_MINUTES.items() if unit.startswith(k))
        value = (ref - timedelta(minutes=n * minutes)).replace(second=0, microsecond=0)
        precision: Precision = "minute" if minutes < 1440 else "day"
        if precision == "day":
            value = value.replace(hour=0, minute=0)
        return Found(Stamp(value, precision, inferred=True), m.start(), m.end())
    m = _DAY_WORD.search(text)
    if m:
        day = ref.date() - timedelta(days=1 if m.group("word").lower() in _YESTERDAY else 0)
        hm = _hour(m.groupdict())
        value = datetime(day.year, day.month, day.day, *(hm or (0, 0)), tzinfo=ctx.zone)
        return Found(Stamp(value, "minute" if hm else "day", inferred=True), m.start(), m.end())
    return None


def find_time_only(text: str, ctx: Context) -> Found | None:
    """A bare clock time (``20:20``), taken as that time on the capture day."""
    m = _TIME_ONLY.search(text)
    if not m:
        return None
    hm = _hour(m.groupdict())
    if hm is None:
        return None
    ref = (ctx.captured or datetime.now(UTC)).astimezone(ctx.zone)
    value = ref.replace(hour=hm[0], minute=hm[1], second=0, microsecond=0)
    if value > ref + timedelta(minutes=5):
        value -= timedelta(days=1)
    return Found(Stamp(value, "minute", inferred=True), m.start(), m.end())


_MEMO: dict[tuple[str, tzinfo, int | None], Found | None] = {}
_MEMO_SIZE = 5_000


def whole(text: str, ctx: Context) -> Found | None:
    """A time that is the whole of ``text`` (a timestamp line), allowing a trailing view counter.

    Results that do not depend on the capture time are memoised: a site prints the same news-line
    timestamps on every page.
    """
    stripped = text.strip().strip("|·•-–— ")
    if not stripped or len(stripped) > 48:
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
    found = find(stripped, ctx, allow_relative=True)
    if found is None:
        found = find_time_only(stripped, ctx)
    if found is None or found.start != 0:
        return None
    rest = stripped[found.end:].strip(" ,|·•")
    if rest and not rest.isdigit():
        return None
    return found
