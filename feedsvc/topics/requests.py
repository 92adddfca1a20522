"""Items to classify as JSON Lines (``title``, optional ``lede``, ``category``, ``source``, ``language``,
``country``, ``dateline``), and each answered with its topics and, when asked, the signals behind them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import IngestError
from .classify import Item
from .sources import Sources
from .taxonomy import Taxonomy

_TEXT_FIELDS = ("lede", "category", "source", "language", "country", "dateline")


def read(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | IngestError]]:
    """(line number, the object or what is wrong with it) for every non-blank line."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield n, IngestError(f"not JSON: {exc}", line=n)
            continue
        if not isinstance(obj, dict):
            yield n, IngestError("not a JSON object", line=n)
            continue
        title = obj.get("title")
        if not isinstance(title, str) or not title.strip():
            yield n, IngestError("field 'title': must be a non-empty string", line=n)
            continue
        bad = next((f for f in _TEXT_FIELDS if obj.get(f) is not None and not isinstance(obj[f], str)), None)
        if bad:
            yield n, IngestError(f"field {bad!r}: must be a string or null", line=n)
            continue
        yield n, obj


def answer(obj: dict[str, Any], taxonomy: Taxonomy, sources: Sources, *, explain: bool = False) -> dict[str, Any]:
    """``obj`` with ``topics`` (slugs in taxonomy order) and, with ``explain``, ``language`` and ``explain``."""
    home = obj.get("country") or sources.country(obj.get("source"))
    item = Item(obj["title"], obj.get("lede") or None, obj.get("category") or None, obj.get("language") or None,
                home.upper() if home else None, obj.get("dateline") or None)
    decision = taxonomy.decide(item, explain=explain)
    out = dict(obj, topics=[s for s in taxonomy.slugs if s in decision.topics])
    if explain:
        out["language"] = decision.language
        out["explain"] = {s: list(decision.signals.get(s, ())) for s in taxonomy.slugs if s in decision.signals}
    return out
