"""Stable identity of items: dedupe keys, content hashes and the ``tag:`` ids minted at first sight."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache

from .records import Article, Headline

_WORD = re.compile(r"\w+")


def title_key(title: str) -> str:
    """A title folded for comparison: case, accents, quotes and punctuation do not count."""
    folded = title.casefold()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(folded))


def _key(prefix: str, *parts: str) -> str:
    """A 40-character key: a 12-digit time prefix, then 28 hex digits of hash.

    The prefix keeps keys (and the public ids cut from them) in roughly the order news arrives, so inserts
    append near the end of their indexes instead of landing anywhere in them.
    """
    return prefix + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:28]


def dedupe_key(record: Article | Headline) -> str:
    """Headlines are one per (source, title, minute); articles one per (source, title, day)."""
    if isinstance(record, Headline):
        return _headline_key(record.source or "", record.title, record.published.value if record.published else None)
    day = record.published.value.date() if record.published else None
    return _key(day.strftime("%Y%m%d0000") if day else "0" * 12, "article", record.source or "",
                title_key(record.title), day.isoformat() if day else "")


@lru_cache(maxsize=8192)
def _headline_key(source: str, title: str, published: datetime | None) -> str:
    # Memoised: a news line repeats the same headlines on every page of a site.
    when = published.astimezone(UTC).strftime("%Y%m%d%H%M") if published else "0" * 12
    return _key(when, "headline", source, title_key(title), when)


_CANONICAL = json.JSONEncoder(sort_keys=True, default=str).encode  # what json.dumps(…) gives, made once


def content_hash(fields: dict[str, object]) -> str:
    return hashlib.sha256(_CANONICAL(fields).encode("utf-8")).hexdigest()


def mint_uid(authority: str, kind: str, key: str, when: datetime) -> str:
    """An RFC 4151 tag URI; the date is the item's own (or first-seen) day, so it never needs to change."""
    return f"tag:{authority},{when.astimezone(UTC).date().isoformat()}:{kind}/{key[:32]}"


def public_id(uid: str) -> str:
    """The short id in an item's page address: the last part of its tag URI."""
    return uid.rsplit("/", 1)[-1]
