"""Countries named in a text: names from pycountry's ISO 3166 tables and their translations, city names
from the time-zone database, and the lexicon's extra short names and demonym stems."""

from __future__ import annotations

import gettext
import zoneinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry
import stopwordsiso

from .lexicon import Lexicon, WordIndex
from .words import APOSTROPHE, Keys, fold

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
def _index(lexicon: Lexicon, language: str) -> tuple[WordIndex, _Stems]:
    """The index of country names of ``language`` (and English), and the stems matched as a prefix."""
    entries: list[tuple[str, str]] = []
    stems: dict[str, set[str]] = {}
    languages = ("en",) if language == "en" else ("en", language)
    for lang in languages:
        for code, name in _names(lang):
            words = name.split()
            core = _core(name, lang) if len(words) == 1 else None
            if core:
                stems.setdefault(core[:-1], set()).add(code)
            else:
                entries.append((code, " ".join(w + "=" for w in words)))
        for code, extra in lexicon.place_words.get(lang, {}).items():
            for term in extra:
                if term.endswith("*"):
                    stems.setdefault(fold(term[:-1]), set()).add(code)
                else:
                    entries.append((code, term))
    entries += [(code, " ".join(w + "=" for w in city.split())) for code, city in _zone_cities()]
    plain = Keys(language, None, 0, {})  # names match as written, whatever the language's stemmer does
    return WordIndex.build(plain, entries), _Stems((k, tuple(sorted(v))) for k, v in stems.items())


def countries(lexicon: Lexicon, language: str, words: list[str]) -> list[tuple[str, str]]:
    """(country code, the name found) for every country ``words`` name, in text order."""
    index, stems = _index(lexicon, language)
    found = list(index.hits(words))
    regions = _subdivisions(lexicon)
    for i, word in enumerate(words):
        if len(word) >= 4 and word[:1].isupper():
            found += _by_stem(stems, word)
            pair = word + " " + words[i + 1] if i + 1 < len(words) else ""
            for name in (word, pair):
                if name in regions:
                    found.append((regions[name], name))
    return found


@lru_cache(maxsize=4)
def _subdivisions(lexicon: Lexicon) -> dict[str, str]:
    """States, provinces and regions (ISO 3166-2 names from pycountry) of one or two words, as printed, by
    country; a name that several countries use, or that is a common word, is left out."""
    counts: dict[str, list[str]] = {}
    for sub in pycountry.subdivisions:
        name = sub.name.split(",")[0].split("(")[0].strip()
        if 4 <= len(name) and len(name.split()) <= 2 and name[:1].isupper():
            counts.setdefault(name, []).append(sub.country_code)
    common = {fold(w) for lang in ("en", "de", "fr", "es", "it", "tr") for w in stopwordsiso.stopwords(lang)}
    common |= {fold(w) for topics in lexicon.words.values() for terms in topics.values() for t in terms
               for w in t.split()}
    return {name: codes[0] for name, codes in counts.items()
            if len(set(codes)) == 1 and not {fold(w) for w in name.split()} & common}


def _by_stem(stems: _Stems, word: str) -> tuple[tuple[str, str], ...]:
    """Countries whose name stem ``word`` starts with, a few letters of ending at most."""
    low = fold(APOSTROPHE.split(word, 1)[0])
    return tuple((code, low[:n] + "*") for n in range(max(3, len(low) - PLACE_ENDINGS), len(low) + 1)
                 for code in stems.get(low[:n], ()))


class _Stems(dict[str, tuple[str, ...]]):
    """Country codes by name stem; hashed by identity, so lookups through it can be memoised."""

    __hash__ = object.__hash__  # type: ignore[assignment]


def of_place(lexicon: Lexicon, place: str) -> str | None:
    """The country a dateline's place (``BAKU``, ``Kyiv``) is in, when the names know it."""
    words = [w.title() for w in place.replace(",", " ").split()]
    found = countries(lexicon, "en", words)
    return found[-1][0] if found else None


def home_of_zone(zone: str | None) -> str | None:
    """The country of an IANA time zone (``Asia/Baku`` -> ``AZ``)."""
    return next((code for code, z in _zone_rows() if z == zone), None) if zone else None
