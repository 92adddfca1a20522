"""The store version: bumped by every change that feeds show, read by web processes to drop stale caches."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from .schema import store_state

NAME = "content"


def bump(conn: Connection, now: datetime | None = None) -> None:
    """Mark the store as changed (inside the caller's transaction)."""
    now = now or datetime.now(UTC)
    done = conn.execute(update(store_state).where(store_state.c.name == NAME)
                        .values(version=store_state.c.version + 1, changed_at=now)).rowcount
    if not done:
        try:
            with conn.begin_nested():
                conn.execute(store_state.insert().values(name=NAME, version=1, changed_at=now))
        except IntegrityError:  # another writer created it first
            conn.execute(update(store_state).where(store_state.c.name == NAME)
                         .values(version=store_state.c.version + 1, changed_at=now))


def version(conn: Connection) -> int:
    value = conn.execute(select(store_state.c.version).where(store_state.c.name == NAME)).scalar()
    return int(value or 0)
