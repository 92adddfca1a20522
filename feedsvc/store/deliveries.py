"""The delivery ledger: one row per (digest, subscriber), moved through its states by conditional updates.

    queued ──claim──▶ handed ──250──▶ sent
       ▲                 ├──4xx──▶ retry (due again after a back-off) ──claim──▶ handed …
       │                 ├──5xx──▶ failed
       │                 └──connection lost / sender died──▶ unknown (the server may have it)
       ├──4xx / 5xx at MAIL, RCPT or DATA (nothing handed over)──▶ retry / failed
       └── a sender that died before its claim left the row queued: nothing reached the server
    queued / retry ──reader no longer active──▶ cancelled

A claim is one UPDATE that succeeds for one sender only, so two clocks never both hand a message over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .schema import deliveries, subscribers

WAITING = ("queued", "retry")
STATUSES = ("queued", "handed", "retry", "sent", "failed", "unknown", "cancelled")
_INSERT = {name: insert(deliveries).on_conflict_do_nothing(index_elements=["digest_id", "subscriber_id"])
           for name, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))}
_ACTIVE = exists().where(subscribers.c.id == deliveries.c.subscriber_id, subscribers.c.status == "active")


def enqueue(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Add queued rows (digest_id, subscriber_id, email, message_id, next_at); existing pairs are kept as
    they are. Returns how many were new."""
    if not rows:
        return 0
    values = [{**r, "status": "queued", "attempts": 0} for r in rows]
    # rowcount of a multi-row insert is -1 on some drivers; the returned ids are counted instead
    return len(conn.execute(_INSERT[conn.dialect.name].returning(deliveries.c.id), values).all())


def subscribers_of(conn: Connection, digest_id: int) -> set[int]:
    """Subscribers that already have a row for this digest, whatever its state."""
    return set(conn.scalars(select(deliveries.c.subscriber_id).where(deliveries.c.digest_id == digest_id)))


def reserve(conn: Connection, run: str, now: datetime, lease: timedelta, *, after_id: int = 0,
            limit: int = 50) -> list[Any]:
    """Reserve the next waiting rows whose time has come for this run, in id order after ``after_id``.

    A reservation only steers other senders to other rows (it lapses after ``lease``); ``claim`` still
    decides who hands a message over.
    """
    free = and_(deliveries.c.status.in_(WAITING), deliveries.c.next_at <= now, deliveries.c.id > after_id,
                or_(deliveries.c.claimed_by.is_(None), deliveries.c.claimed_by == run,
                    deliveries.c.claimed_at < now - lease))
    ids = select(deliveries.c.id).where(free).order_by(deliveries.c.id).limit(limit).scalar_subquery()
    rows = conn.execute(update(deliveries).where(deliveries.c.id.in_(ids), free)
                        .values(claimed_by=run, claimed_at=now)
                        .returning(deliveries.c.id, deliveries.c.digest_id, deliveries.c.subscriber_id,
                                   deliveries.c.email, deliveries.c.message_id, deliveries.c.attempts)).all()
    return sorted(rows, key=lambda r: r.id)


def renew(conn: Connection, run: str, now: datetime) -> None:
    """Renew the lease of every row this run has reserved or handed over: the run is alive."""
    conn.execute(update(deliveries).where(deliveries.c.claimed_by == run,
                                          deliveries.c.status.in_((*WAITING, "handed")))
                 .values(claimed_at=now))


def release(conn: Connection, run: str) -> None:
    """Give up this run's reservations of rows it has not handed over (it cannot reach the mail server)."""
    conn.execute(update(deliveries).where(deliveries.c.claimed_by == run, deliveries.c.status.in_(WAITING))
                 .values(claimed_by=None, claimed_at=None))


def cancel_inactive(conn: Connection, now: datetime, delivery_id: int | None = None) -> int:
    """Mark cancelled the waiting rows (or the one row) whose reader is no longer active; how many were."""
    query = update(deliveries).where(deliveries.c.status.in_(WAITING), ~_ACTIVE)
    if delivery_id is not None:
        query = query.where(deliveries.c.id == delivery_id)
    result = conn.execute(query.values(status="cancelled", claimed_at=now, error="not an active subscriber"))
    return int(result.rowcount or 0)


# Built once: a run claims and finishes one row per message.
_CLAIM = (update(deliveries).where(deliveries.c.id == bindparam("p_id"), deliveries.c.status.in_(WAITING), _ACTIVE)
          .values(status="handed", claimed_by=bindparam("p_run"), claimed_at=bindparam("p_now"),
                  attempts=deliveries.c.attempts + 1))
_FINISH = update(deliveries).where(deliveries.c.id == bindparam("p_id"), deliveries.c.status == "handed")
_SENT = _FINISH.values(status="sent", error=None, claimed_by=bindparam("p_run"), sent_at=bindparam("p_now"))


def claim(conn: Connection, delivery_id: int, run: str, now: datetime) -> bool:
    """Take a waiting row for this run, if its reader is still active: the point after which a message may
    have been delivered. True for exactly one claimer."""
    return bool(conn.execute(_CLAIM, {"p_id": delivery_id, "p_run": run, "p_now": now}).rowcount)


def finish(conn: Connection, delivery_id: int, run: str, status: str, now: datetime, *,
           error: str | None = None, next_at: datetime | None = None) -> None:
    """Record the outcome of a handed row."""
    if status == "sent" and error is None and next_at is None:
        conn.execute(_SENT, {"p_id": delivery_id, "p_run": run, "p_now": now})
        return
    values: dict[str, Any] = {"status": status, "error": error, "claimed_by": None if status == "retry" else run}
    if status == "sent":
        values["sent_at"] = now
    if next_at is not None:
        values["next_at"] = next_at
    conn.execute(_FINISH.values(**values), {"p_id": delivery_id})


def refused(conn: Connection, delivery_id: int, run: str, status: str, now: datetime, *, error: str,
            next_at: datetime | None = None) -> None:
    """Record a refusal that came before the message was handed over (at MAIL, RCPT or DATA): it counts as an
    attempt, and a row to retry is free for any sender once it is due."""
    values: dict[str, Any] = {"status": status, "error": error, "attempts": deliveries.c.attempts + 1,
                              "claimed_by": None if status == "retry" else run, "claimed_at": now}
    if next_at is not None:
        values["next_at"] = next_at
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id, deliveries.c.status.in_(WAITING),
                                          deliveries.c.claimed_by == run).values(**values))


def stale_handed(conn: Connection, before: datetime) -> list[Any]:
    """Rows handed over by a sender that has not reported back since ``before``: it died mid-message."""
    return list(conn.execute(select(deliveries.c.id, deliveries.c.message_id, deliveries.c.email)
                             .where(deliveries.c.status == "handed", deliveries.c.claimed_at < before)))


def settle(conn: Connection, delivery_id: int, status: str, error: str | None = None) -> None:
    """Resolve a stale handed row: sent, queued again (nothing arrived) or unknown."""
    conn.execute(update(deliveries).where(deliveries.c.id == delivery_id, deliveries.c.status == "handed")
                 .values(status=status, error=error))


def requeue_unknown(conn: Connection, digest_ids: Iterable[int] | None = None) -> int:
    """Queue rows of unknown outcome again, by an operator's choice (the same Message-ID goes out again)."""
    query = update(deliveries).where(deliveries.c.status == "unknown")
    if digest_ids is not None:
        query = query.where(deliveries.c.digest_id.in_(list(digest_ids)))
    return int(conn.execute(query.values(status="queued", error=None)).rowcount or 0)


def counts(conn: Connection, digest_ids: Iterable[int] | None = None) -> Counter[str]:
    query = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
    if digest_ids is not None:
        query = query.where(deliveries.c.digest_id.in_(list(digest_ids)))
    return Counter({status: n for status, n in conn.execute(query)})


def problems(conn: Connection, digest_ids: Iterable[int]) -> list[Any]:
    """Failed and unknown rows, with the server's last word, for the run's report."""
    return list(conn.execute(select(deliveries.c.email, deliveries.c.status, deliveries.c.error)
                             .where(and_(deliveries.c.digest_id.in_(list(digest_ids)),
                                         deliveries.c.status.in_(("failed", "unknown"))))
                             .order_by(deliveries.c.id)))


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts``: 1, 5, 15, 60, then 240 minutes."""
    return timedelta(minutes=(1, 5, 15, 60, 240)[min(attempts, 5) - 1])
