"""The lines around a headline: meta lines (category, time, byline), captions, credits and categories."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import boilerplate, datelines, dates
from .lines import Line
from .records import Stamp

_LABEL = re.compile(
    r"(?:^|\s)(?:published|posted|updated|date|time|last updated|опубликовано|обновлено|дата|время|tarix|saat|"
    r"yayımlanıb|yayın tarihi|güncelleme|yenilənib|veröffentlicht|aktualisiert|publié|mis à jour|"
    r"опубліковано|оновлено)\s*:?\s*$",
    re.IGNORECASE,
)
_LABEL_ANY = re.compile(_LABEL.pattern.replace(r"\s*:?\s*$", r"\s*:?"), re.IGNORECASE)
BYLINE = re.compile(r"^(?:By|Written by|Author:?|Автор:?|Текст:|Müəllif:?|Yazar:?|Von|Par)\s+"
                    r"(?P<name>[^\d\W].{1,80})$", re.IGNORECASE)
_CATEGORY_LABEL = re.compile(r"^(?:category|section|rubric|рубрика|раздел|kateqoriya|kategori|rubrik|rubrique)\s*:\s*"
                             r"[«\"“]?(?P<name>[^»\"”]{2,40})[»\"”]?(?:\s|$)", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(
    rf"^(?:©|\(c\)|photo:|photo by|photograph:|фото:|фото\s|foto:|image:|bild:|credit:)"
    rf"|^(?:[{datelines.UP}][\w.'’-]*\s){{0,3}}[{datelines.UP}][\w.'’-]*\s?/[{datelines.UP}][\w&-]*"
    r"(?:[ /-][\w&-]+)*$"
    r"|(?:photo|фото|foto)\s*:\s*\S.{0,60}$",
    re.IGNORECASE,
)
_END_CREDIT = re.compile(r"^[(*]?\s*(?:reporting|editing|writing|written|additional reporting|compiled)\s+by\b"
                         r"|^(?:source|kaynak|mənbə|источник|джерело|quelle)\b.{0,50}$", re.IGNORECASE)
_HOME = re.compile(r"^(?:home|main|главная|головна|ana səhifə|anasayfa|ana sayfa|startseite|accueil)"
                   r"\b\s*", re.IGNORECASE)
_CRUMB = re.compile(r"\s*(?:/|\||»|›|>|•|·)\s*")


_H_CLOCK = re.compile(r"^\s*(?:,|à|at|в|saat)?\s*(\d{1,2})\s?h\s?(\d{2})\b")  # 14 Nov. 2015, 23h27
_PRINTED_OFFSET = re.compile(r"^\W{0,3}\(?(?:UTC|GMT)\s*(?P<s>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\)?")
# Weekday names print before a date; they are no section name.
_WEEKDAY_NAMES = """monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
понедельник вторник среда четверг пятница суббота воскресенье понеділок вівторок середа четвер пʼятниця пятниця
субота неділя bazar ertəsi çərşənbə axşamı çərşənbə cümə axşamı cümə şənbə bazar pazartesi salı çarşamba perşembe
cuma cumartesi pazar montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi
vendredi samedi dimanche"""
_WEEKDAYS = frozenset(_WEEKDAY_NAMES.split()) | {"bazar ertəsi", "çərşənbə axşamı", "cümə axşamı"}


@dataclass(frozen=True)
class Meta:
    """What a meta line says: a time, a category, a byline."""

    stamp: dates.Found | None = None
    time_only: bool = False
    category: str | None = None
    byline: str | None = None
    agency: str | None = None


def _name_like(text: str, most: int = 4) -> bool:
    words = text.split()
    return 1 <= len(words) <= most and all(w[:1].isalpha() or w[:1] in "«\"“&" for w in words) \
        and not text.endswith(".")


def meta(line: Line, ctx: dates.Context) -> Meta | None:
    """The line read as a meta line, or None when it is something else."""
    text = line.text
    m = BYLINE.match(text)
    if m and line.words <= 12:
        name, found = m.group("name"), line.date
        if found is not None and found.start > m.start("name"):
            name = text[m.start("name"):found.start]
        name = name.strip(" ,|·•-–—")
        return Meta(stamp=found, byline=name or None, agency=name if datelines.is_organisation(name) else None)
    c = _CATEGORY_LABEL.match(text)
    if c:
        return Meta(category=c.group("name").strip())
    found = line.date
    if found is None or boilerplate.is_clock(text) or line.words > 16:
        return None
    prefix = text[:found.start]
    suffix = text[found.end:].strip(" |·•,")
    label = _LABEL_ANY.search(prefix)
    before_label = prefix[:label.start()] if label else prefix
    lead = before_label.strip(" |·•-–—/,:")
    out = Meta(stamp=found, time_only=dates.find(text, ctx, allow_relative=True) is None)
    if suffix:
        suffix = _LABEL_ANY.sub("", suffix.split(" / ")[0]).strip(" |·•,()-–—")
        bare = re.sub(r"[\d:.()+\-–—/ ]|utc|gmt|msk|local|yerel", "", suffix, flags=re.IGNORECASE)
        if suffix.isdigit() or not bare or len(suffix) <= 8 and not _name_like(suffix) \
                or len(suffix) <= 4 or suffix.casefold() in _WEEKDAYS:
            pass
        elif _name_like(suffix) and not dates.find(suffix, ctx):
            out = Meta(stamp=found, time_only=out.time_only, category=suffix.strip("«»\"“”"))
        elif dates.find(suffix, ctx) or dates.find_time_only(suffix, ctx):
            pass
        else:
            return None
    clock = _H_CLOCK.match(text[found.end:]) if found.stamp.precision == "day" else None
    if clock and int(clock.group(1)) < 24 and int(clock.group(2)) < 60:
        value = found.stamp.value.replace(hour=int(clock.group(1)), minute=int(clock.group(2)))
        found = dates.Found(Stamp(value, "minute", found.stamp.inferred), found.start, found.end + clock.end(),
                            found.year_missing)
        out = Meta(stamp=found, time_only=out.time_only, category=out.category)
    zone = _PRINTED_OFFSET.search(text[found.end:])
    if zone and ":" in text[:found.end]:
        offset = timedelta(hours=int(zone.group("h")), minutes=int(zone.group("m") or 0))
        value = found.stamp.value.replace(tzinfo=timezone(-offset if zone.group("s") == "-" else offset))
        found = dates.Found(Stamp(value, found.stamp.precision, found.stamp.inferred), found.start, found.end,
                            found.year_missing)
        out = Meta(stamp=found, time_only=out.time_only, category=out.category)
    if not lead or lead.casefold() in _WEEKDAYS:
        return out
    if len(lead.split()) > 5:
        return None
    dashed = bool(re.search(r"\s[-–—]\s*$", prefix[:label.start()] if label else prefix)) or label is not None
    if dashed or datelines.is_organisation(lead) and not _name_like(lead, 2):
        agency = lead if datelines.is_organisation(lead) else None
        return Meta(stamp=found, time_only=out.time_only, byline=lead, agency=agency, category=out.category)
    if _name_like(lead):
        return Meta(stamp=found, time_only=out.time_only, category=lead.strip("«»\"“”"))
    return None


_ENTRY = re.compile(r"^(?:\d{1,2}[:.]\d{2}|[012]\d[0-5]\d)(?:\s*(?:[AaPp]\.?[Mm]\.?|Uhr|GMT|UTC|[A-Z]{3}))?"
                    r"(?:\s*/\s*\d{1,2}[:.]\d{2}(?:\s*[A-Z]{2,4})?)?\s*(?:[—–:]|-\s)\s*(?=\S)")


def entry_clock(text: str) -> int:
    """How many characters of ``text`` are a live blog's clock opening an entry (``14:05 GMT — …``)."""
    m = _ENTRY.match(text)
    return m.end() if m else 0


def combine(day: dates.Found, clock: dates.Found) -> dates.Found:
    """A date printed on one line and its time on the next."""
    d, c = day.stamp.value, clock.stamp.value
    value = datetime(d.year, d.month, d.day, c.hour, c.minute, tzinfo=d.tzinfo)
    return dates.Found(Stamp(value, "minute", inferred=day.stamp.inferred), day.start, day.end, day.year_missing)


_CREDIT_WORDS = r"(?:©|\(c\)|Photo:|Photo by|Photograph:|Фото:|Foto:|Image:)"
_CAPTION_CREDIT = re.compile(
    rf"^(?P<text>.{{8,}}?)\s+(?P<credit>(?:{_CREDIT_WORDS}\s*.+|(?:[{datelines.UP}]\.\s)?[{datelines.UP}][\w'’-]+"
    rf"(?:[ -][{datelines.UP}][\w'’-]+)?/[{datelines.UP}][\w&-]*(?:[ /-][{datelines.UP}][\w&-]*)*))$"
)


_WORDED_CREDIT = re.compile(r"^(?P<text>.{8,}?)\s*(?:\[(?P<b>(?:photo|фото|foto)/[^\]]{2,40})\]|"
                            r"\((?P<p>[^()]{2,60}\bvia\s[^()]{1,30}|(?:photo|фото|foto)\b[^()]{1,60})\)|"
                            r"(?P<w>(?:photo|фото|foto|credit)\s*:\s*[^.]{2,60}))$", re.IGNORECASE)


_CREDIT_HINT = re.compile(r"/|photo|фото|foto|credit|©|\(c\)|image|\bvia\b", re.IGNORECASE)
# The same hint for an ASCII text, searched in its lower case: a case-blind search is several times slower.
_CREDIT_HINT_ASCII = re.compile(r"/|photo|foto|credit|\(c\)|image|\bvia\b")


def caption_credit(text: str) -> tuple[str, str] | None:
    """A caption with its credit on the same line: ``Crowds in the square Jane Roe/Agency``."""
    if len(text) > 400 or not (_CREDIT_HINT_ASCII.search(text.lower()) if text.isascii() else _CREDIT_HINT.search(text)) or re.match(_CREDIT_WORDS, text, re.IGNORECASE):
        return None
    w = _WORDED_CREDIT.match(text)
    if w:
        return w.group("text").strip(), credit_value(w.group("b") or w.group("p") or w.group("w"))
    if text.rstrip().endswith((".", "!", "?")):
        return None
    m = _CAPTION_CREDIT.match(text)
    return (m.group("text").strip(), credit_value(m.group("credit"))) if m else None


def credit_value(text: str) -> str:
    """A credit without its ``Photo:`` or ``©`` word."""
    return re.sub(rf"^{_CREDIT_WORDS}\s*", "", text.strip(), flags=re.IGNORECASE).strip() or text.strip()


def is_credit_alone(text: str) -> bool:
    """A photo credit with no caption before it on its line."""
    up = datelines.UP
    return is_photo_credit(text) and bool(re.match(
        rf"(?i:{_CREDIT_WORDS}|фото\s|credit:)|[{up}][\w.'’-]*(?:\s[{up}][\w.'’-]*){{0,3}}/", text))


def is_photo_credit(text: str) -> bool:
    return len(text) <= 160 and bool(_PHOTO_CREDIT.search(text))


def is_end_credit(text: str) -> bool:
    """Lines that close a story: ``(Editing by …)``, ``Source: …``, copyright."""
    return len(text) <= 160 and (bool(_END_CREDIT.match(text)) or datelines.credited(text) is not None)


def category_of(text: str) -> str | None:
    """A section name printed alone or as breadcrumbs (``News / World``): its last crumb."""
    if any(c.isdigit() for c in text) or len(text) > 60:
        return None
    crumbs = [c for c in _CRUMB.split(text.strip(" |/»›>•·")) if c.strip()]
    if not crumbs or all(len(c.strip()) <= 3 for c in crumbs):  # a language switch, not a section
        return None
    last = _HOME.sub("", crumbs[-1].strip()).strip() or crumbs[-1].strip()
    if not _name_like(last, 4) or boilerplate.is_furniture(last):
        return None
    return last
