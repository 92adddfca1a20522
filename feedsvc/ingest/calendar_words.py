"""Month, weekday and time-zone words in the languages feedsvc reads, generated from CLDR data."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from babel import Locale

LANGUAGES = ("en", "ru", "az", "tr", "uk", "kk", "de", "fr", "uz", "be")

# Zone names and abbreviations printed after a time, with their offset from UTC in hours.
ZONES: dict[str, float] = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "greenwich mean time": 0, "coordinated universal time": 0,
    "bst": 1, "british summer time": 1, "cet": 1, "central european time": 1,
    "cest": 2, "central european summer time": 2, "eet": 2, "eest": 3, "msk": 3, "moscow time": 3,
    "trt": 3, "azt": 4, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}


def _fold(word: str) -> str:
    return word.casefold().rstrip(".").replace("\u02bc", "'")


@cache
def months() -> dict[str, int]:
    """Every month name and abbreviation, folded, with its number; a word two months share is left out."""
    found: dict[str, set[int]] = {}
    for lang in LANGUAGES:
        loc = Locale.parse(lang)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in loc.months[context][width].items():
                    words = {_fold(name)}
                    if width == "wide" and len(name) > 3:
                        words.add(_fold(name)[:3])  # sites abbreviate to three letters more often than CLDR
                    for word in words:
                        if len(word) >= 3 and not word.isdigit():
                            found.setdefault(word, set()).add(num)
    return {word: nums.pop() for word, nums in found.items() if len(nums) == 1}


@cache
def weekdays() -> frozenset[str]:
    """Every weekday name and abbreviation, folded."""
    words: set[str] = set()
    for lang in LANGUAGES:
        loc = Locale.parse(lang)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                words.update(_fold(name) for name in loc.days[context][width].values() if len(name) >= 2)
    return frozenset(words)


def zone_offset(word: str) -> timedelta | None:
    hours = ZONES.get(" ".join(word.casefold().split()))
    return None if hours is None else timedelta(hours=hours)
