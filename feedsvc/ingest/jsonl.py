"""JSON Lines from scrapers: one article or headline per line, already clean."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ..errors import IngestError
from ..topics.sources import Sources
from . import dates
from .decode import clean
from .records import YEARS, Article, Headline, Stamp, storable

_KNOWN = {"kind", "title", "published", "body", "summary", "lede", "url", "source", "topics", "category", "author",
          "dateline"}


def _text(obj: dict[str, Any], key: str, line: int, *, required: bool = False) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise IngestError(f"field {key!r} is missing", line=line)
        return None
    if not isinstance(value, str):
        raise IngestError(f"field {key!r} must be a string, not {type(value).__name__}", line=line)
    value = " ".join(clean(value).split())
    if required and not value:
        raise IngestError(f"field {key!r} is empty", line=line)
    return value or None


def _published(raw: str | None, zone: Any, line: int) -> Stamp | None:
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        try:
            found = dates.whole(raw, dates.Context(zone, captured=datetime.now(UTC)))
        except (ValueError, OverflowError):
            found = None
        if found is None:
            raise IngestError(f"field 'published': cannot read {raw!r} as a date", line=line) from None
        stamp = found.stamp
    else:
        has_time = "T" in raw or " " in raw.strip()
        stamp = Stamp(value if value.tzinfo else value.replace(tzinfo=zone), "minute" if has_time else "day")
    if not storable(stamp.value):
        raise IngestError(f"field 'published': {raw!r} is out of range (years {YEARS.start} to {YEARS.stop - 1})",
                          line=line)
    return stamp


def _number(digits: str) -> int | float:
    """A JSON integer; one too long for an int (over 4,300 digits) is read as a float, whose field then fails."""
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def parse_record(raw: str, line: int, sources: Sources) -> Article | Headline:
    """One JSON line to a record, or IngestError naming the line and the field."""
    try:
        obj = json.loads(raw, parse_int=_number)
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON: {exc.msg} at column {exc.colno}", line=line) from None
    if not isinstance(obj, dict):
        raise IngestError("a line must hold a JSON object", line=line)
    unknown = sorted(set(obj) - _KNOWN)
    if unknown:
        raise IngestError(f"unknown field(s) {', '.join(map(repr, unknown))}", line=line)
    title = _text(obj, "title", line, required=True) or ""
    source = _text(obj, "source", line)
    published = _published(_text(obj, "published", line), sources.zone(source), line)
    topics = obj.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise IngestError("field 'topics' must be a list of strings", line=line)
    body_raw = obj.get("body")
    if isinstance(body_raw, str):
        body = tuple(p.strip() for p in clean(body_raw).split("\n\n") if p.strip())
    elif isinstance(body_raw, list) and all(isinstance(p, str) for p in body_raw):
        body = tuple(p.strip() for p in map(clean, body_raw) if p.strip())
    elif body_raw is None:
        body = ()
    else:
        raise IngestError("field 'body' must be a string or a list of strings", line=line)
    kind = obj.get("kind") or ("article" if body else "headline")
    if kind not in ("article", "headline"):
        raise IngestError("field 'kind' must be 'article' or 'headline'", line=line)
    summary = _text(obj, "summary", line) or _text(obj, "lede", line)
    url = _text(obj, "url", line)
    if url and not url.startswith(("http://", "https://")):
        raise IngestError("field 'url' must be an http(s) URL", line=line)
    if kind == "article":
        return Article(title=title, published=published, source=source, url=url, lede=summary, body=body,
                       category=_text(obj, "category", line), byline=_text(obj, "author", line),
                       given_topics=tuple(topics))
    return Headline(title=title, published=published, source=source, url=url, summary=summary,
                    given_topics=tuple(topics))


def read(text: str, sources: Sources) -> Iterator[tuple[int, Article | Headline | IngestError]]:
    """Each non-blank line's record, or the error it raised; one bad line never stops the rest."""
    for n, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            yield n, parse_record(raw, n, sources)
        except IngestError as exc:
            yield n, exc
        except RecursionError:
            yield n, IngestError("JSON nested too deeply", line=n)
        except (ValueError, OverflowError) as exc:  # a value no field check foresaw: this line only
            yield n, IngestError(f"cannot read the line: {exc}", line=n)
