"""Stable identity of items: dedupe keys, content hashes and the ``tag:`` ids minted at first sight."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime, timezone

from ..ingest.records import Article, Headline

_WORD = re.compile(r"\w+")


def title_key(title: str) -> str:
    """A title folded for comparison: case, accents, quotes and punctuation do not count."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_WORD.findall(folded))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def dedupe_key(record: Article | Headline) -> str:
    """Headlines are one per (source, title, minute); articles one per (source, title, day)."""
    source = record.source or ""
    if isinstance(record, Headline):
        when = record.published.value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M") if record.published else ""
        return _digest("headline", source, title_key(record.title), when)
    day = record.published.value.date().isoformat() if record.published else ""
    return _digest("article", source, title_key(record.title), day)


def content_hash(fields: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def mint_uid(authority: str, kind: str, key: str, when: datetime) -> str:
    """An RFC 4151 tag URI; the date is the item's own (or first-seen) day, so it never needs to change."""
    return f"tag:{authority},{when.astimezone(timezone.utc).date().isoformat()}:{kind}/{key[:20]}"
