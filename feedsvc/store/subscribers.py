"""Subscribers as the store keeps them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, text, update

from ..errors import FeedsvcError
from .schema import confirmation_mails, subscribers

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


def changed_since(conn: Connection, email: str, at: datetime) -> bool:
    """Whether the subscriber with this address changed (subscribed, confirmed, left) at or after ``at``."""
    changed = conn.scalar(select(subscribers.c.changed_at).where(subscribers.c.email == email))
    return changed is not None and changed >= at


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
    if stored is None:
        raise FeedsvcError(f"subscriber {email} was written but cannot be read back")
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


def active_after(conn: Connection, after_id: int, limit: int) -> list[Any]:
    """The next ``limit`` active subscribers by id after ``after_id``: id, email, topics (JSON), hour, zone,
    created_at."""
    return list(conn.execute(select(subscribers.c.id, subscribers.c.email, subscribers.c.topics,
                                    subscribers.c.hour, subscribers.c.zone, subscribers.c.created_at)
                             .where(subscribers.c.status == "active", subscribers.c.id > after_id)
                             .order_by(subscribers.c.id).limit(limit)).all())


def zones(conn: Connection, subscriber_ids: list[int]) -> dict[int, str]:
    """Each subscriber's time zone, by id."""
    if not subscriber_ids:
        return {}
    query = select(subscribers.c.id, subscribers.c.zone).where(subscribers.c.id.in_(sorted(set(subscriber_ids))))
    return {r.id: r.zone for r in conn.execute(query)}


def take_confirmation(conn: Connection, mailbox: str, now: datetime,
                      windows: Sequence[tuple[int, timedelta]]) -> timedelta | None:
    """Count one confirmation mail to ``mailbox`` if every (most, per window) allows it; else how long until
    one does. Exact across processes: on PostgreSQL the mailbox is locked for the transaction, and SQLite
    writers hold the one write lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:m))"), {"m": mailbox})
    longest = max(window for _, window in windows)
    conn.execute(delete(confirmation_mails).where(confirmation_mails.c.mailbox == mailbox,
                                                  confirmation_mails.c.sent_at <= now - longest))
    mails = confirmation_mails.c
    for most, window in windows:
        count, oldest = conn.execute(select(func.count(), func.min(mails.sent_at))
                                     .where(mails.mailbox == mailbox, mails.sent_at > now - window)).one()
        if count >= most:
            return max(timedelta(seconds=1), oldest + window - now)
    conn.execute(confirmation_mails.insert().values(mailbox=mailbox, sent_at=now))
    return None
