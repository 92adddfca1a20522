"""Page metadata files: ``<name>.meta.toml`` beside ``<name>.txt``, for facts the page does not print."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path

from ..errors import IngestError
from .records import YEARS, PageMeta, storable

SUFFIX = ".meta.toml"
_FIELDS = {"source", "url", "published", "captured", "topics"}


def path_for(page: Path) -> Path:
    return page.with_name(page.stem + SUFFIX)


def _when(value: object, key: str, where: str) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        when, has_time = value, True
    elif isinstance(value, date):
        when, has_time = datetime.combine(value, time()), False
    else:
        raise IngestError(f"{key}: must be a TOML date or date-time, not {type(value).__name__}", path=where)
    if not storable(when):
        raise IngestError(f"{key}: {value.isoformat()} is out of range (years {YEARS.start} to {YEARS.stop - 1})",
                          path=where)
    return when, has_time


def parse(text: str, where: str) -> PageMeta:
    """Read one metadata file's text; unknown or mistyped fields are errors naming the field."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: a number too long to read
        raise IngestError(f"metadata is not valid TOML: {exc}", path=where) from None
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise IngestError(f"unknown metadata field(s) {', '.join(unknown)} (known: {', '.join(sorted(_FIELDS))})",
                          path=where)
    for key in ("source", "url"):
        if key in data and not isinstance(data[key], str):
            raise IngestError(f"{key}: must be a string", path=where)
    if not data.get("url", "http://").startswith(("http://", "https://")):
        raise IngestError("url: must be an http(s) URL", path=where)
    topics = data.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise IngestError("topics: must be a list of strings", path=where)
    published, has_time = _when(data["published"], "published", where) if "published" in data else (None, False)
    captured = _when(data["captured"], "captured", where)[0] if "captured" in data else None
    return PageMeta(source=data.get("source"), url=data.get("url"), published=published,
                    published_has_time=has_time, captured=captured, topics=tuple(topics))


def read(page: Path) -> PageMeta | None:
    """The metadata beside ``page``, or None when there is none."""
    path = path_for(page)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"metadata unreadable: {exc}", path=str(path)) from None
    return parse(text, str(path))
