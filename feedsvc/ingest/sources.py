"""News sources: who published a page, and in which time zone it prints its times."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import tzinfo
from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from .config_files import field, read_toml

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Source:
    slug: str
    name: str
    url: str | None
    zone: str | None
    agencies: tuple[str, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Sources:
    """The sources file, with the lookups the parser needs."""

    by_slug: dict[str, Source]
    default_zone: str
    _phrases: re.Pattern[str] | None
    _agency: dict[str, str]
    _phrase_slug: dict[str, str]

    def zone(self, slug: str | None) -> tzinfo:
        source = self.by_slug.get(slug or "")
        return zoneinfo.ZoneInfo(source.zone if source and source.zone else self.default_zone)

    def by_agency(self, agency: str) -> str | None:
        return self._agency.get(agency.casefold())

    def by_phrase(self, text: str) -> str | None:
        if self._phrases is None:
            return None
        m = self._phrases.search(text)
        return self._phrase_slug[m.group(0).casefold()] if m else None

    def name(self, slug: str | None) -> str | None:
        source = self.by_slug.get(slug or "")
        return source.name if source else slug


def default_path() -> Path:
    return Path(str(resources.files("feedsvc") / "data" / "sources.toml"))


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
        )
    phrases = [p for s in by_slug.values() for p in s.phrases]
    pattern = (re.compile("|".join(r"\b" + re.escape(p) + r"\b" for p in sorted(phrases, key=len, reverse=True)),
                          re.IGNORECASE) if phrases else None)
    agency = {a.casefold(): s.slug for s in by_slug.values() for a in s.agencies}
    phrase_slug = {p.casefold(): s.slug for s in by_slug.values() for p in s.phrases}
    return Sources(by_slug, default_zone, pattern, agency, phrase_slug)
