"""Subscribers as the store keeps them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from .schema import subscribers

STATUSES = ("pending", "active", "paused", "unsubscribed")


@dataclass(frozen=True)
class Subscriber:
    id: int
    email: str
    topics: tuple[str, ...]
    hour: int
    zone: str
    status: str


def _subscriber(row: object) -> Subscriber:
    r = row
    return Subscriber(r.id, r.email, tuple(json.loads(r.topics)), r.hour, r.zone, r.status)  # type: ignore[attr-defined]


def by_email(conn: Connection, email: str) -> Subscriber | None:
    row = conn.execute(select(subscribers).where(subscribers.c.email == email)).first()
    return _subscriber(row) if row else None


def by_id(conn: Connection, subscriber_id: int) -> Subscriber | None:
    row = conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).first()
    return _subscriber(row) if row else None


def upsert(conn: Connection, *, email: str, topics: tuple[str, ...], hour: int, zone: str, status: str,
           now: datetime) -> Subscriber:
    """Create a subscriber, or update the one with this address (the address is already normalised)."""
    values = {"topics": json.dumps(list(topics)), "hour": hour, "zone": zone, "status": status, "changed_at": now}
    found = by_email(conn, email)
    if found is None:
        conn.execute(subscribers.insert().values(email=email, created_at=now, **values))
    else:
        conn.execute(update(subscribers).where(subscribers.c.id == found.id).values(**values))
    stored = by_email(conn, email)
    assert stored is not None
    return stored


def set_status(conn: Connection, subscriber_id: int, status: str, now: datetime) -> bool:
    """True when the subscriber exists (its status is then ``status``)."""
    return bool(conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id)
                             .values(status=status, changed_at=now)).rowcount)


def all_(conn: Connection, status: str | None = None) -> list[Subscriber]:
    query = select(subscribers).order_by(subscribers.c.email)
    if status is not None:
        query = query.where(subscribers.c.status == status)
    return [_subscriber(r) for r in conn.execute(query)]


def zones(conn: Connection, subscriber_ids: list[int]) -> dict[int, str]:
    """Each subscriber's time zone, by id."""
    if not subscriber_ids:
        return {}
    query = select(subscribers.c.id, subscribers.c.zone).where(subscribers.c.id.in_(sorted(set(subscriber_ids))))
    return {r.id: r.zone for r in conn.execute(query)}
