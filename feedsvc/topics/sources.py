"""News sources: who published a page, and in which time zone it prints its times."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from .. import resources
from ..errors import ConfigError
from .config_files import field, read_toml
from .places import home_of_zone

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Source:
    slug: str
    name: str
    url: str | None
    zone: str | None
    agencies: tuple[str, ...]
    phrases: tuple[str, ...]
    lede: str = "standfirst"  # or "first-paragraph": the site prints its lede as the first paragraph
    country: str | None = None  # ISO 3166 alpha-2 home country: given, else the zone's


@dataclass(frozen=True)
class Sources:
    """The sources file, with the lookups the parser needs."""

    by_slug: dict[str, Source]
    default_zone: str
    _phrases: tuple[str, ...]  # case-folded, longest first
    _agency: dict[str, str]
    _phrase_slug: dict[str, str]

    def zone(self, slug: str | None) -> tzinfo:
        source = self.by_slug.get(slug or "")
        return zoneinfo.ZoneInfo(source.zone if source and source.zone else self.default_zone)

    def country(self, slug: str | None) -> str | None:
        """The source's home country (``AZ``), for the topics' ``world`` rule."""
        source = self.by_slug.get(slug or "")
        return source.country if source else None

    def by_agency(self, agency: str) -> str | None:
        return self._agency.get(agency.casefold())

    def by_phrase(self, text: str) -> str | None:
        """The source whose name or phrase stands first in ``text``, as a whole word in any case."""
        folded = text.casefold()
        best: tuple[int, str] | None = None
        for phrase in self._phrases:  # plain substring scans: far faster than one case-blind regex
            at = _word_at(folded, phrase, best[0] + 1 if best else len(folded))
            if at is not None and (best is None or at < best[0]):
                best = (at, phrase)
        return self._phrase_slug[best[1]] if best else None

    def lede_first(self, slug: str | None) -> bool:
        source = self.by_slug.get(slug or "")
        return bool(source and source.lede == "first-paragraph")

    def name(self, slug: str | None) -> str | None:
        source = self.by_slug.get(slug or "")
        return source.name if source else slug


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _word_at(text: str, phrase: str, stop: int) -> int | None:
    """Where ``phrase`` first stands in ``text`` between word boundaries (as regex ``\\b`` has them),
    starting before ``stop``."""
    at = text.find(phrase, 0, stop + len(phrase))
    while 0 <= at < stop:
        end = at + len(phrase)
        if ((at == 0 or _is_word(text[at - 1]) != _is_word(phrase[0]))
                and (end == len(text) or _is_word(text[end]) != _is_word(phrase[-1]))):
            return at
        at = text.find(phrase, at + 1, stop + len(phrase))
    return None


_LEDES = ("standfirst", "first-paragraph")


def _lede(value: str, where: str) -> str:
    if value not in _LEDES:
        raise ConfigError(f"{where}.lede: one of {', '.join(_LEDES)}, not {value!r}")
    return value


def default_path() -> Path:
    return resources.data_file("sources.toml")


def load(path: Path | None, default_zone: str) -> Sources:
    """Read a sources file: one table per source slug with name, url, zone, agencies and phrases."""
    path = path or default_path()
    data = read_toml(path)
    by_slug: dict[str, Source] = {}
    for slug, table in data.items():
        where = f"{path}: [{slug}]"
        if not _SLUG.match(slug):
            raise ConfigError(f"{where}: a source slug is lower-case letters, digits and dashes")
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table")
        zone = field(table, "zone", str, where, default=None)
        if zone is not None:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ConfigError(f"{where}.zone: unknown time zone {zone!r}") from None
        by_slug[slug] = Source(
            slug=slug,
            name=field(table, "name", str, where),
            url=field(table, "url", str, where, default=None),
            zone=zone,
            agencies=tuple(field(table, "agencies", list, where, default=[])),
            phrases=tuple(field(table, "phrases", list, where, default=[])),
            lede=_lede(field(table, "lede", str, where, default="standfirst"), where),
            country=(field(table, "country", str, where, default="") or home_of_zone(zone) or "").upper() or None,
        )
    phrases = [p for s in by_slug.values() for p in s.phrases]
    folded = tuple(sorted({p.casefold() for p in phrases}, key=len, reverse=True))
    agency = {a.casefold(): s.slug for s in by_slug.values() for a in s.agencies}
    phrase_slug = {p.casefold(): s.slug for s in by_slug.values() for p in s.phrases}
    return Sources(by_slug, default_zone, folded, agency, phrase_slug)
