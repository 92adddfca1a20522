"""Digest records: one per (topic, day), written once, whatever process builds it first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..digests.model import Digest, sections_from_json
from .schema import digests

_INSERT = {"sqlite": sqlite_insert(digests).on_conflict_do_nothing(index_elements=["topic", "day"]),
           "postgresql": postgresql_insert(digests).on_conflict_do_nothing(index_elements=["topic", "day"])}


@dataclass(frozen=True)
class DigestRecord:
    digest: Digest
    status: str  # "built" or "skipped"
    reason: str | None
    built_at: datetime


def last_end(conn: Connection, topic: str, before: datetime) -> datetime | None:
    """Where the latest earlier digest of ``topic`` (built or skipped) ended."""
    value = conn.execute(select(func.max(digests.c.window_end))
                         .where(digests.c.topic == topic, digests.c.window_end <= before)).scalar()
    return value if isinstance(value, datetime) else None


def save(conn: Connection, record: DigestRecord) -> bool:
    """Store a digest unless one exists for its (topic, day); True when this call stored it."""
    d = record.digest
    result = conn.execute(_INSERT[conn.dialect.name].returning(digests.c.id), {
        "topic": d.topic, "day": d.day, "window_start": d.window_start, "window_end": d.window_end,
        "status": record.status, "reason": record.reason, "built_at": record.built_at,
        "story_count": d.story_count, "item_count": d.item_count, "content": json.dumps(d.content_json()),
    })
    return result.first() is not None  # rowcount of INSERT … ON CONFLICT is -1 on psycopg


def _record(row: object) -> DigestRecord:
    r = row  # a Row of digests
    digest = Digest(r.topic, r.day, r.window_start, r.window_end,  # type: ignore[attr-defined]
                    sections_from_json(json.loads(r.content)))  # type: ignore[attr-defined]
    return DigestRecord(digest, r.status, r.reason, r.built_at)  # type: ignore[attr-defined]


def get(conn: Connection, topic: str, day: str) -> DigestRecord | None:
    row = conn.execute(select(digests).where(digests.c.topic == topic, digests.c.day == day)).first()
    return _record(row) if row else None


def recent(conn: Connection, *, topic: str | None = None, status: str | None = None,
           limit: int = 50) -> list[DigestRecord]:
    """Newest days first."""
    query = select(digests).order_by(digests.c.day.desc(), digests.c.topic).limit(limit)
    if topic is not None:
        query = query.where(digests.c.topic == topic)
    if status is not None:
        query = query.where(digests.c.status == status)
    return [_record(r) for r in conn.execute(query)]


def by_id(conn: Connection, digest_id: int) -> DigestRecord | None:
    row = conn.execute(select(digests).where(digests.c.id == digest_id)).first()
    return _record(row) if row else None


def deliverable(conn: Connection, since: datetime, until: datetime) -> list[tuple[int, str, str, datetime]]:
    """(id, topic, day, window_end) of built digests whose window ended in (since, until]."""
    query = (select(digests.c.id, digests.c.topic, digests.c.day, digests.c.window_end)
             .where(digests.c.status == "built", digests.c.window_end > since, digests.c.window_end <= until)
             .order_by(digests.c.id))
    return [(r.id, r.topic, r.day, r.window_end) for r in conn.execute(query)]


def id_of(conn: Connection, topic: str, day: str) -> int | None:
    value = conn.scalar(select(digests.c.id).where(digests.c.topic == topic, digests.c.day == day))
    return int(value) if value is not None else None
