"""Datelines (``SOCHI, May 17. /TASS/.``) and the other places a page names the agency behind a story."""

from __future__ import annotations

import re

from . import dates
from .records import Dateline

UP = "A-ZА-ЯЁƏÖÜĞİŞÇҚҰҮӨҺІЄЇ"
_PLACE = rf"(?P<place>[{UP}][{UP}'’.\-/ ]{{1,40}}?(?:,\s*[{UP}][\w.’']+(?:\s[\w’']+){{0,3}})?)"
_CAP_PLACE = rf"(?P<place>[{UP}][\w’'\-]+(?:[ -][{UP}][\w’'\-]+)?)"
_AGENCY_WORD = rf"[{UP}][\w.&-]*[{UP}][\w.&-]*|[{UP}][\w&-]+\.[a-z]{{2,4}}"
_DASH = r"[-–—]+"
_DATELINES = tuple(re.compile(rx) for rx in (
    # SOCHI, May 17. /TASS/.      МОСКВА, 17 мая. /ТАСС/.
    rf"^{_PLACE},\s+(?P<date>[^./()]{{3,24}}?)\.?\s*/(?P<agency>[^/\s][^/]{{0,30}})/\.?\s*",
    # ANKARA, March 3 (AA) -      WASHINGTON (AP) —      TBILISI, Georgia (AP) —
    rf"^{_PLACE}(?:,\s+(?P<date>[^()]{{3,24}}?))?\s+\((?P<agency>[A-Za-z{UP}][\w .&-]{{0,30}})\)\s*{_DASH}\s*",
    # Baku, 12 March, AZERTAC
    (rf"^(?P<place>[{UP}][\w'’ -]{{1,30}}),\s+(?P<date>\d{{1,2}}\s+\w+|\w+\s+\d{{1,2}}),\s+"
     rf"(?P<agency>[{UP}]{{2,}})\b[.:]?\s*"),
    # Moscow. 24 January. AGENCY -     ASTANA. AGENCY -
    rf"^{_CAP_PLACE}\.\s+(?:(?P<date>\d{{1,2}}\s+[^\W\d]+|[^\W\d]+\s+\d{{1,2}})\.\s+)?(?P<agency>{_AGENCY_WORD})\s+{_DASH}\s*",
    # 11 April, Minsk /Reporter - AGENCY/.
    rf"^(?P<date>\d{{1,2}}\s+[^\W\d]+),\s+{_CAP_PLACE}\s+/(?:[^/]{{0,40}}?\s{_DASH}\s*)?(?P<agency>[^/]{{2,30}})/\.?\s*",
    # Country, City, 28 December /AGENCY, reporter/
    (rf"^(?:[{UP}][\w’'-]+,\s+)?{_CAP_PLACE},\s+(?P<date>\d{{1,2}}\s+[^\W\d]+|[^\W\d]+\.?\s+\d{{1,2}})\s+"
     rf"/(?P<agency>[^,/]{{2,30}})[^/]{{0,40}}/\.?\s*"),
    # MOSCOW, March 3 —     MOSCOW —     SULAIMANI, Some region,—
    (rf"^{_PLACE}(?:,\s+(?P<date>[^\W\d]+\.?\s+\d{{1,2}}|\d{{1,2}}\s+[^\W\d]+))?(?:,\s*|\s+){_DASH}\s+(?P<agency>)"
     r"(?=\S)"),
    rf"^(?P<place>[{UP}]{{3,}}[{UP}'’.\-/ ]*?),\s+[^,—–]{{2,40}}?,\s*—\s*(?P<agency>)(?=\S)",
    # MOSCOW, March 4 President …  (wire copy with no mark after the date)
    rf"^(?P<place>[{UP}]{{3,}}[{UP}'’.\-/ ]*?),\s+(?P<date>[{UP}][^\W\d]+\.?\s+\d{{1,2}})\s+(?P<agency>)(?=[{UP}])",
))
# How every dateline opens: a place in capitals, a capitalised place and its mark, or the day.
_OPENING = re.compile(rf"[{UP}]{{2}}|[{UP}][\w’'-]*[.,/]|\d{{1,2}}\s|[{UP}][\w’'-]*\s[{UP}][\w’'-]*[,(]")
_CAPS_ONLY = (_DATELINES[0], _DATELINES[6])  # forms that would take any capitalised words for a place
# A dateline on a line of its own: ``KABUL, Afghanistan`` or ``BAKU, Azerbaijan, Nov. 2``.
_ALONE = re.compile(rf"^(?P<place>[{UP}]{{3,}}[{UP}'’.\-/ ]*)(?:,\s+[{UP}][^\W\d][\w’'.]*(?:\s[^\W\d][\w’'.]*){{0,2}}){{1,2}}"
                    r"(?:,\s+(?P<date>[^\W\d]+\.?\s+\d{1,2}|\d{1,2}\s+[^\W\d]+\.?))?$")
_AGENCY_ALONE = re.compile(rf"^(?P<agency>[{UP}][\w.&-]{{1,30}}):$")

_SOURCE_LINE = re.compile(
    r"^(?:source|sources|kaynak|mənbə|источник|джерело|quelle|credit)(?:\s+\w+){0,2}\s*[:\-–—]\s*"
    r"(?P<agency>[^\W\d][\w.&' -]{1,40}?)\.?$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"^(?:copyright|©)\s*(?:©\s*)?(?:\d{4}(?:\s*-\s*\d{4})?,?\s*)?"
                        r"(?P<agency>[^\W\d][\w.&' -]{2,40}?)\.?\s*(?:all rights reserved|$)", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(r"\((?P<agency>[A-Za-z][\w.-]{1,12})\)\s*$")
_DOMAIN = rf"[A-Za-z{UP}][\w-]*\.(?:[a-z]{{2,4}}|[A-Z][a-z])\b"
_REPORTS = re.compile(
    rf"(?P<pre>{_DOMAIN})[\"»”]?\s+(?:reports|reported|xəbər verir|xəbər yayıb|haber verdi|bildirir|"
    r"сообщает|сообщил|передает|передаёт|подготовил|повідомляє)"
    rf"|(?:reports|передает|передаёт|сообщает|повідомляє|according to)\s+[\"«“]?(?P<post>{_DOMAIN})"
    rf"|\b(?:как|як)\s+(?:передает|передаёт|сообщает|передає|повідомляє|пишет|пише)\s+[\"«“]?(?P<as>[{UP}][\w.-]{{1,30}})"
    rf"|[\"«“](?P<quoted>[{UP}][\w.-]{{1,30}})[\"»”]\s+(?:reports|xəbər verir|сообщает|передает|bildirir)",
    re.IGNORECASE,
)
_REPORT_WORDS = re.compile(r"reports|reported|xəbər|haber|bildirir|сообща|переда|подготовил|повідомляє|according|пише",
                           re.IGNORECASE)
# The report words an ASCII text can hold, searched in its lower case (a case-blind search is slower).
_REPORT_WORDS_ASCII = re.compile(r"reports|reported|haber|bildirir|according")
_ORG_WORDS = re.compile(r"\b(?:press|agency|agence|agentur|agentliyi|ajansı|агентство|агентство)\b", re.IGNORECASE)


_FILE_PHOTO = re.compile(r"^FILE\s*[-–—:]")


def is_file_photo(text: str) -> bool:
    """The wire agencies' mark of an archive photo's caption (``FILE - In this photo …``): no dateline."""
    return bool(_FILE_PHOTO.match(text))


def match(text: str, ctx: dates.Context) -> tuple[Dateline, str, dates.Found | None] | None:
    """The dateline that opens ``text``, the text after it, and the date it printed."""
    if not _OPENING.match(text) or is_file_photo(text):
        return None
    for rx in _DATELINES:
        m = rx.match(text)
        if not m:
            continue
        place = m.group("place").strip(" ,.")
        head = place.split(",")[0].strip()
        if rx in _CAPS_ONLY and head != head.upper():
            continue
        date_text = m.groupdict().get("date") or ""
        found = dates.find(date_text, ctx) if date_text else None
        if date_text and found is None:
            continue
        agency = (m.group("agency") or "").strip(" .,-–—") or None
        return Dateline(head, agency), text[m.end():].strip(), found
    return None


def alone(text: str, next_text: str | None, ctx: dates.Context) -> tuple[Dateline, dates.Found | None, bool] | None:
    """A dateline printed on its own line; True when the next line (``Agency:``) belongs to it."""
    whole = match(text + " .", ctx)
    if whole and whole[1] == ".":
        return whole[0], whole[2], False
    m = _ALONE.match(text)
    if not m:
        return None
    found = dates.find(m.group("date"), ctx) if m.group("date") else None
    agency = None
    took_next = False
    if next_text:
        a = _AGENCY_ALONE.match(next_text)
        if a:
            agency, took_next = a.group("agency"), True
    return Dateline(m.group("place").strip(" ,."), agency), found, took_next


def credited(text: str) -> str | None:
    """The agency a source or copyright line names (``Source: Some Agency``)."""
    m = _SOURCE_LINE.match(text) or _COPYRIGHT.match(text)
    return m.group("agency").strip(" .,") if m else None


def reported_by(paragraph: str) -> str | None:
    """The site or agency a paragraph says it comes from (``Site.az reports``, ``… (xyz)``)."""
    hinted = (_REPORT_WORDS_ASCII.search(paragraph.lower()) if paragraph.isascii()
              else _REPORT_WORDS.search(paragraph))
    m = _REPORTS.search(paragraph) if hinted else None
    if m:
        return (m.group("pre") or m.group("post") or m.group("as") or m.group("quoted")).strip(" .,")
    m = _TRAILING_CREDIT.search(paragraph)
    if m and not m.group("agency").isdigit():
        return m.group("agency")
    return None


_CLOSING_PARENS = re.compile(r"\s*\((?P<inner>[^()]{0,80}\bby\b[^()]*|[A-Za-z][\w.-]{1,20})\)\s*$")


_CLOSING_SOURCE = re.compile(rf"\((?:{_DOMAIN}|[A-Za-z]{{2,5}})\)\s*$")


def closes_story(paragraph: str) -> bool:
    """A paragraph that ends with the story's source in brackets (``… (site.az)``): nothing after it is the story's."""
    return len(paragraph) > 40 and bool(_CLOSING_SOURCE.search(paragraph))


def trailing_credit(paragraph: str) -> tuple[str, str | None]:
    """A last paragraph without its closing credit (``… (Editing by …)``, ``… (xyz)``), and the agency named."""
    m = _CLOSING_PARENS.search(paragraph)
    if not m or m.start() == 0:
        return paragraph, None
    inner = m.group("inner")
    return paragraph[:m.start()].rstrip(), None if " by " in f" {inner} " else inner


def names_organisation(name: str) -> bool:
    """A name with an organisation's word in it (``… Press``, ``… Agency``) or a site's address."""
    return bool(_ORG_WORDS.search(name)) or bool(re.search(_DOMAIN, name))


def is_organisation(name: str) -> bool:
    """A byline that names an organisation rather than a person."""
    words = name.split()
    return len(words) == 1 or bool(_ORG_WORDS.search(name)) or bool(re.search(_DOMAIN, name))
