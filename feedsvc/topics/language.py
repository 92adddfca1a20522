"""Which language a headline is written in: letters only one language uses, then the stop words of the
``stopwordsiso`` package.

A shipped statistical model (py3langid) was tried: its arrays cost about 100 MB in every ingest process,
more than the whole ingest may use, while headlines in the corpus's languages are told apart by their
letters and their function words.
"""

from __future__ import annotations

import re
from functools import lru_cache

import stopwordsiso

from .words import fold, tokens

# Letters that settle the language on their own (checked in this order).
_MARKS = (
    ("kk", frozenset("әғқңөұүһ")),
    ("be", frozenset("ў")),
    ("uk", frozenset("єїґ")),
    ("az", frozenset("ə")),
)
_UKRAINIAN_I = "і"  # also Kazakh and Belarusian, which have their own marks
_RUSSIAN_ONLY = frozenset("ыэёъ")
_TURKISH = frozenset("ığş")
_UZBEK = ("o'", "g'", "oʻ", "gʻ", "o‘", "g‘")
_CYRILLIC = re.compile("[\u0400-\u052f]")
# Cyrillic with no letter that only Russian or only Ukrainian writes: the classifier tries both.
UNSURE_CYRILLIC = "ru|uk"
# Latin-script languages told apart by stop words, and letters that lean towards one of them.
_VOTERS = ("en", "de", "fr", "tr", "es", "it")
_LEANS = {"de": frozenset("äöüß"), "fr": frozenset("éèêàâçœùû"), "es": frozenset("ñá¿¡"), "tr": frozenset("ç")}


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    return {code: frozenset(fold(w) for w in stopwordsiso.stopwords(code)) for code in _VOTERS}


@lru_cache(maxsize=20_000)
def detect(text: str) -> str:
    """ISO 639-1 code of ``text``'s language (``en`` when nothing tells)."""
    folded = text.casefold()
    letters = set(folded)
    for code, marks in _MARKS:
        if letters & marks:
            return code
    if len(_CYRILLIC.findall(folded)) > len(folded) // 4:
        if letters & _RUSSIAN_ONLY:
            return "ru"
        return "uk" if _UKRAINIAN_I in letters else UNSURE_CYRILLIC
    if letters & _TURKISH:
        return "tr"
    if any(m in folded for m in _UZBEK):
        return "uz"
    words = [fold(w) for w in tokens(text)]
    lists = _stop_words()
    votes = {code: sum(w in lists[code] for w in words) + 2 * bool(letters & _LEANS.get(code, frozenset()))
             for code in _VOTERS}
    best = max(votes.values())
    return next(code for code in _VOTERS if votes[code] == best) if best else "en"
