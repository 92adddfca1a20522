"""Countries named in a text: names from pycountry's ISO 3166 tables and their translations, city names
from the time-zone database, and the lexicon's extra short names and demonym stems."""

from __future__ import annotations

import gettext
import zoneinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry

from .lexicon import Lexicon, WordIndex
from .words import Keys, fold

# Country names shorter than this (after the final vowel is dropped) only match whole.
CORE_MIN = {"tr": 4, "az": 4, "kk": 4, "uz": 4, "ky": 4}
CORE_MIN_DEFAULT = 5
PLACE_ENDINGS = 6
# Time-zone city names that are common words, or areas no news is datelined from.
_SKIP_AREAS = ("Antarctica", "Etc")
_SKIP_CITIES = frozenset({"Easter", "Midway", "Wake", "Troll", "Casey", "Davis", "Regina", "Phoenix", "Creston",
                          "Nome", "Marengo", "Center", "Monticello", "Vevay", "Winamac", "Knox", "Beulah",
                          "Eucla", "Boise", "Metlakatla", "Sitka", "Yakutat", "Inuvik", "Jersey", "Guernsey",
                          "Isle", "Man", "Nassau", "Aden", "Victoria", "Chagos", "Christmas", "Cocos", "Dili",
                          "Port", "Apia", "Honolulu", "Galapagos", "Fiji", "Lima"})


def _translation(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def _names(language: str) -> list[tuple[str, str]]:
    """(country code, name) for every country in ``language``, each name before any comma."""
    tr = _translation(language)
    found: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                local = tr.gettext(name) if language != "en" else name
                found.append((country.alpha_2, local.split(",")[0].strip()))
    return found


@lru_cache(maxsize=1)
def _zone_rows() -> tuple[tuple[str, str], ...]:
    """(country code, zone) rows of the time-zone database's zone.tab (the tzdata package, else the system's)."""
    try:
        text = (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        tabs = [Path(base) / "zone.tab" for base in zoneinfo.TZPATH]
        text = next((t.read_text(encoding="utf-8") for t in tabs if t.is_file()), "")
    rows = [ln.split("\t") for ln in text.splitlines() if not ln.startswith("#")]
    return tuple((r[0], r[2]) for r in rows if len(r) >= 3)


def _zone_cities() -> list[tuple[str, str]]:
    """(country code, city) of every zone but those of areas and cities no news is datelined from."""
    out = []
    for code, zone in _zone_rows():
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
        if not zone.startswith(_SKIP_AREAS) and city not in _SKIP_CITIES:
            out.append((code, city))
    return out


def _core(name: str, language: str) -> str | None:
    """A one-word name as a stem (``Россия`` -> ``росси*``), or None when it is too short to stand as one."""
    folded = fold(name)
    core = folded[:-1] if folded[-1:] in "aeiouyəıаяеоиыйуюьі" else folded
    return core + "*" if len(core) >= CORE_MIN.get(language, CORE_MIN_DEFAULT) else None


@lru_cache(maxsize=32)
def _index(lexicon: Lexicon, language: str) -> tuple[WordIndex, tuple[tuple[str, str], ...]]:
    """The index of country names of ``language`` (and English), and the stem entries matched by prefix."""
    entries: list[tuple[str, str]] = []
    prefixes: list[tuple[str, str]] = []
    languages = ("en",) if language == "en" else ("en", language)
    for lang in languages:
        for code, name in _names(lang):
            words = name.split()
            core = _core(name, lang) if len(words) == 1 else None
            if core:
                prefixes.append((code, core[:-1]))
            else:
                entries.append((code, " ".join(w + "=" for w in words)))
        for code, extra in lexicon.place_words.get(lang, {}).items():
            for term in extra:
                if term.endswith("*"):
                    prefixes.append((code, fold(term[:-1])))
                else:
                    entries.append((code, term))
    entries += [(code, " ".join(w + "=" for w in city.split())) for code, city in _zone_cities()]
    plain = Keys(language, None, 0, {})  # names match as written, whatever the language's stemmer does
    return WordIndex.build(plain, entries), tuple(prefixes)


def countries(lexicon: Lexicon, language: str, words: list[str]) -> list[tuple[str, str]]:
    """(country code, the name found) for every country ``words`` name, in text order."""
    index, prefixes = _index(lexicon, language)
    found = list(index.hits(words))
    if prefixes:
        for word in words:
            low = fold(word)
            if len(low) >= 4 and word[:1].isupper():
                found += [(code, stem + "*") for code, stem in prefixes
                          if low.startswith(stem) and len(low) - len(stem) <= PLACE_ENDINGS]
    return found


def of_place(lexicon: Lexicon, place: str) -> str | None:
    """The country a dateline's place (``BAKU``, ``Kyiv``) is in, when the names know it."""
    words = [w.title() for w in place.replace(",", " ").split()]
    found = countries(lexicon, "en", words)
    return found[-1][0] if found else None


def home_of_zone(zone: str | None) -> str | None:
    """The country of an IANA time zone (``Asia/Baku`` -> ``AZ``)."""
    return next((code for code, z in _zone_rows() if z == zone), None) if zone else None
