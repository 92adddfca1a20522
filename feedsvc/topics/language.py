"""Which language a headline is written in: letters only one language uses, then py3langid's shipped model."""

from __future__ import annotations

from functools import lru_cache

from py3langid import langid

# The languages the classifier has words for, and their near neighbours that a short text is confused with.
KNOWN = ("en", "ru", "uk", "az", "tr", "kk", "de", "fr", "uz", "be", "ky", "es", "it", "pl")

# Letters that settle the language on their own (checked in this order).
_MARKS = (
    ("kk", frozenset("әғқңөұүһ")),
    ("uk", frozenset("ієїґ")),
    ("be", frozenset("ў")),
    ("az", frozenset("ə")),
)
_CYRILLIC = range(0x0400, 0x0500)

_ready = False


def _identifier() -> None:
    global _ready
    if not _ready:
        langid.set_languages(list(KNOWN))
        _ready = True


@lru_cache(maxsize=20_000)
def detect(text: str) -> str:
    """ISO 639-1 code of ``text``'s language (``en`` for text with no letters)."""
    folded = text.casefold()
    letters = set(folded)
    for code, marks in _MARKS:
        if letters & marks:
            if code == "uk" and "і" in letters and not letters & frozenset("єїґ") and _russian_ish(letters):
                break  # Kazakh and Belarusian use і too; let the model weigh them
            return code
    if not any(c.isalpha() for c in folded):
        return "en"
    _identifier()
    found: str = langid.classify(text)[0]
    cyrillic = sum(ord(c) in _CYRILLIC for c in folded) > len(folded) // 4
    if cyrillic and found not in ("ru", "uk", "kk", "be", "ky"):
        return "ru"
    if not cyrillic and found in ("ru", "uk", "kk", "be", "ky"):
        return "en"
    return found


def _russian_ish(letters: set[str]) -> bool:
    """Letters Ukrainian never writes: ы, э, ё, ъ."""
    return bool(letters & frozenset("ыэёъ"))
