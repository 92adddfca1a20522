"""Coverage terms: the names and event dates an article is about, to find other coverage of one story."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from .dates import MONTHS
from .records import Article

MAX_NAMES = 20
# Capitalised words that are not names: titles, days, and words that start sentences or quotes.
_NOT_NAMES = frozenset(["the", "this", "that", "these", "those", "there", "their", "they", "then", "than", "with", "from", "into", "about", "after", "before", "over", "under", "when", "where", "while", "which", "what", "whom", "will", "would", "should", "could", "have", "been", "being", "also", "such", "some", "many", "most", "more", "much", "president", "minister", "foreign", "prime", "spokesman", "spokeswoman", "aide", "ministry", "secretary", "chairman", "leader", "leaders", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "earlier", "later", "today", "yesterday", "tomorrow", "however", "meanwhile", "according"])
# Each pattern opens with a look-ahead for the characters a match can start with: the same matches, found
# several times faster, as the engine skips other positions before trying the rest.
_NAME = re.compile(r"(?=[A-ZА-ЯЁƏ])(?<![.!?]\s)(?<![\"“‘'(\[])\b([A-ZА-ЯЁƏ][a-zа-яёəöüğışç]{3,})\b")
# English months only in capitals ("May 10", never the verb "may"); Russian and Azerbaijani ones as printed.
_MONTH_NAMES = "|".join(sorted((m.capitalize() if m.isascii() else m for m in MONTHS), key=len, reverse=True))
_EVENT_LEAD = r"\d" + "".join(sorted({m[0] for m in _MONTH_NAMES.split("|")}))
_EVENT_DATE = re.compile(
    rf"(?=[{_EVENT_LEAD}])\b(?:(?P<m1>{_MONTH_NAMES})\s+(?P<d1>\d{{1,2}})(?:,\s*(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_NAMES})(?:\s+(?P<y2>\d{{4}}))?)\b",
)
_APART = "\x00"


def _event_dates(text: str, year: int | None) -> set[str]:
    found = set()
    for m in _EVENT_DATE.finditer(text):
        month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        raw_year = m.group("y1") or m.group("y2")
        y = int(raw_year) if raw_year else year
        if y is None:
            continue
        try:
            found.add("date:" + date(y, month, day).isoformat())
        except ValueError:
            continue
    return found


def coverage_terms(article: Article) -> tuple[str, ...]:
    """The article's most frequent names (lower-cased) and every event date it mentions."""
    # One scan over the paragraphs joined by a character that is neither space nor word, so no match
    # crosses from one paragraph into the next.
    text = _APART.join([article.title, article.lede or "", *article.body])
    names: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        if match.start() == 0 or text[match.start() - 1] == _APART:
            continue  # a paragraph's first word is capitalised anyway
        word = match.group(1).lower()
        if word not in _NOT_NAMES:
            names[word] += 1
    events = _event_dates(text, article.published.value.year if article.published else None)
    top = [w for w, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NAMES]]
    return tuple(sorted(events)) + tuple(top)
