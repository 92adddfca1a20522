"""Reads of the store for pages and feeds: small, indexed queries returning plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from .schema import failures, files, item_topics, items


@dataclass(frozen=True)
class ItemRow:
    id: int
    uid: str
    kind: str
    title: str
    source: str | None
    published: datetime | None
    lede: str | None


def _row(r: object) -> ItemRow:
    return ItemRow(r.id, r.uid, r.kind, r.title, r.source, r.published, r.lede)  # type: ignore[attr-defined]


_COLS = (items.c.id, items.c.uid, items.c.kind, items.c.title, items.c.source, items.c.published, items.c.lede)


def latest_in_topic(conn: Connection, topic: str, limit: int) -> list[ItemRow]:
    """Newest items of one topic, through the (topic, published) index."""
    q = (select(*_COLS).join(item_topics, item_topics.c.item_id == items.c.id)
         .where(item_topics.c.topic == topic)
         .order_by(item_topics.c.published.desc(), item_topics.c.item_id.desc()).limit(limit))
    return [_row(r) for r in conn.execute(q)]


def latest(conn: Connection, limit: int) -> list[ItemRow]:
    q = select(*_COLS).order_by(items.c.published.desc(), items.c.id.desc()).limit(limit)
    return [_row(r) for r in conn.execute(q)]


@dataclass(frozen=True)
class StoreStats:
    files: int
    articles: int
    headlines: int
    failures: list[tuple[str, int | None, str]]


def stats(conn: Connection) -> StoreStats:
    kinds = dict(conn.execute(select(items.c.kind, func.count()).group_by(items.c.kind)).all())
    failed = conn.execute(select(failures.c.path, failures.c.line, failures.c.reason)
                          .order_by(failures.c.path, failures.c.line).limit(100)).all()
    return StoreStats(
        files=conn.execute(select(func.count()).select_from(files)).scalar_one(),
        articles=kinds.get("article", 0),
        headlines=kinds.get("headline", 0),
        failures=[(r.path, r.line, r.reason) for r in failed],
    )
