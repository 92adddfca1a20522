"""The digest jobs that the CLI, the scheduler and the tests all call the same way: build one, build the due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Engine

from ..errors import NotFound
from ..store import digests as digest_store
from ..store import queries, state
from ..store.digests import DigestRecord
from ..store.engine import writing
from ..topics.taxonomy import Taxonomy
from . import build


@dataclass(frozen=True)
class DigestRun:
    """What building one digest did: "built", "skipped" (no new items) or "exists" (built before)."""

    outcome: str
    record: DigestRecord


def build_digest(engine: Engine, taxonomy: Taxonomy, *, topic: str, day: date, zone: tzinfo, now: datetime,
                 dry_run: bool = False) -> DigestRun:
    """Build and store the digest of ``topic`` for ``day``; an existing one is returned, never rebuilt.

    An empty window stores a visible "skipped: no new items" run instead of a digest. Two builders racing for
    the same (topic, day) store it once: the store keeps the first.
    """
    with engine.connect() as conn:
        existing = digest_store.get(conn, topic, day.isoformat())
        if existing is not None:
            return DigestRun("exists", existing)
        window = build.day_window(day, zone, digest_store.last_end(
            conn, topic, build.day_window(day, zone)[0]))
        rows = queries.in_window(conn, None if topic == "all" else topic, *window)
    made = build.digest(topic, day, window, rows, taxonomy)
    record = (digest_store.DigestRecord(made, "built", None, now) if made.story_count
              else digest_store.DigestRecord(made, "skipped", "no new items", now))
    if dry_run:
        return DigestRun(record.status, record)
    with writing(engine) as conn:  # built outside the write lock; the store keeps the first of two builders
        if not digest_store.save(conn, record):
            stored = digest_store.get(conn, topic, day.isoformat())
            if stored is None:
                raise NotFound(f"digest {topic} {day}: another builder stored it, and it is gone again")
            return DigestRun("exists", stored)
        state.bump(conn)
    return DigestRun(record.status, record)


def build_due(engine: Engine, taxonomy: Taxonomy, *, zone: tzinfo, now: datetime) -> list[DigestRun]:
    """Build the digests of the last complete local day for every topic and for all; existing ones are kept."""
    day = now.astimezone(zone).date() - timedelta(days=1)
    return [build_digest(engine, taxonomy, topic=topic, day=day, zone=zone, now=now)
            for topic in ("all", *taxonomy.slugs)]
