"""The plain-text summary every feed entry carries: what, who, when, where filed, and related coverage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, tzinfo

from ..digests import cluster
from ..store.queries import ItemRow

RELATED_SHOWN = 3


def source_day(row: ItemRow, zone: tzinfo) -> date | None:
    """The source's own calendar day, for an item whose time is known only to the day."""
    if row.published is None or row.published_precision != "day":
        return None
    return row.published.astimezone(zone).date()


def when_text(row: ItemRow, zone: tzinfo) -> str | None:
    """The publication time as the source printed it: the day alone, or day and time with its UTC offset."""
    if row.published is None:
        return None
    local = row.published.astimezone(zone)
    day = f"{local.day} {local.strftime('%B %Y')}"
    if row.published_precision == "day":
        return day
    offset = local.strftime("%z")
    offset = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{day}, {local.strftime('%H:%M')} {offset}"


def stories(rows: Sequence[ItemRow]) -> dict[int, list[ItemRow]]:
    """For each item id, the other items of the same rows that tell its story, in the rows' order."""
    related: dict[int, list[ItemRow]] = {}
    for group in cluster.cluster([r.title for r in rows]):
        if len(group) < 2:
            continue
        for i in group:
            related[rows[i].id] = [rows[j] for j in group if j != i]
    return related


def text(row: ItemRow, *, source_name: Callable[[str | None], str | None], zone: tzinfo,
         labels: dict[str, str], related: Sequence[ItemRow]) -> str:
    """The entry's summary: the lede when there is one, then the facts a reader scans a list by."""
    kind = "Article" if row.kind == "article" else "Headline"
    name = source_name(row.source)
    facts = [kind + (f" from {name}" if name else "")]
    when = when_text(row, zone)
    parts = [row.lede.strip()] if row.lede and row.lede.strip() else []
    parts.append(("— " if parts else "") + ", ".join([*facts, *([when] if when else [])]) + ".")
    if row.topics:
        parts.append("Topics: " + ", ".join(labels.get(t, t) for t in row.topics) + ".")
    if related:
        shown = [f"“{r.title}”" + (f" ({source_name(r.source)})" if source_name(r.source) else "")
                 for r in related[:RELATED_SHOWN]]
        more = len(related) - RELATED_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        parts.append("Related coverage: " + "; ".join(shown) + tail + ".")
    return " ".join(parts)

