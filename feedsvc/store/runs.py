"""Ingest runs as the store remembers them: when, started by what, and what each did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from .schema import RUN_COUNTS, ingest_runs


@dataclass(frozen=True)
class IngestRun:
    id: int
    started_at: datetime
    finished_at: datetime
    origin: str
    counts: Mapping[str, int]


def record(conn: Connection, *, origin: str, started_at: datetime, finished_at: datetime,
           counts: Mapping[str, int]) -> None:
    """Store one finished run; ``counts`` has every name of RUN_COUNTS."""
    conn.execute(ingest_runs.insert().values(origin=origin, started_at=started_at, finished_at=finished_at,
                                             **{name: counts[name] for name in RUN_COUNTS}))


def latest(conn: Connection, limit: int = 20) -> list[IngestRun]:
    """The newest runs first."""
    rows = conn.execute(select(ingest_runs).order_by(ingest_runs.c.started_at.desc(), ingest_runs.c.id.desc())
                        .limit(limit)).all()
    return [IngestRun(r.id, r.started_at, r.finished_at, r.origin, {n: getattr(r, n) for n in RUN_COUNTS})
            for r in rows]
