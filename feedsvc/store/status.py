"""What the operator's status page shows, read from the store: failures, items per day, digests and their
deliveries, subscribers by state, and the last delivery errors."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from .schema import deliveries, digests, failures, item_topics, subscribers


@dataclass(frozen=True)
class Failure:
    path: str
    line: int | None
    reason: str
    at: datetime


@dataclass(frozen=True)
class DigestDay:
    """One digest (topic, day): built or skipped (and why), and how its messages stand."""

    topic: str
    day: str
    status: str
    reason: str | None
    stories: int
    deliveries: dict[str, int]


@dataclass(frozen=True)
class DeliveryError:
    email: str
    topic: str
    day: str
    status: str
    attempts: int
    error: str


def failed_files(conn: Connection) -> list[Failure]:
    """Every failure the last runs recorded, by file and line."""
    rows = conn.execute(select(failures.c.path, failures.c.line, failures.c.reason, failures.c.at)
                        .order_by(failures.c.path, failures.c.line)).all()
    return [Failure(r.path, r.line, r.reason, r.at) for r in rows]


def days(until: date, count: int) -> list[date]:
    """The ``count`` calendar days ending with ``until``, oldest first."""
    return [until - timedelta(days=n) for n in range(count - 1, -1, -1)]


def items_per_topic_day(conn: Connection, *, now: datetime, zone: ZoneInfo,
                        span: int = 30) -> dict[str, Counter[date]]:
    """Items per topic per local day of ``zone``, over the ``span`` days ending today."""
    first = days(now.astimezone(zone).date(), span)[0]
    start = datetime.combine(first, datetime.min.time(), zone)
    rows = conn.execute(select(item_topics.c.topic, item_topics.c.published)
                        .where(item_topics.c.published >= start, item_topics.c.published <= now)).all()
    out: dict[str, Counter[date]] = defaultdict(Counter)
    for topic, published in rows:
        out[topic][published.astimezone(zone).date()] += 1
    return out


def digest_days(conn: Connection, *, since: str) -> list[DigestDay]:
    """Every digest of ``since`` (YYYY-MM-DD) and later, newest day first, with its deliveries by status."""
    found = conn.execute(select(digests.c.id, digests.c.topic, digests.c.day, digests.c.status, digests.c.reason,
                                digests.c.story_count)
                         .where(digests.c.day >= since).order_by(digests.c.day.desc(), digests.c.topic)).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for digest_id, status, n in conn.execute(
            select(deliveries.c.digest_id, deliveries.c.status, func.count())
            .where(deliveries.c.digest_id.in_([r.id for r in found]))
            .group_by(deliveries.c.digest_id, deliveries.c.status)).all():
        counts[digest_id][status] = n
    return [DigestDay(r.topic, r.day, r.status, r.reason, r.story_count, counts.get(r.id, {})) for r in found]


def subscribers_by_status(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(subscribers.c.status, func.count()).group_by(subscribers.c.status)).all())


def delivery_errors(conn: Connection, limit: int = 20) -> list[DeliveryError]:
    """The newest deliveries that carry a mail server's error."""
    rows = conn.execute(select(deliveries.c.email, digests.c.topic, digests.c.day, deliveries.c.status,
                               deliveries.c.attempts, deliveries.c.error)
                        .join(digests, digests.c.id == deliveries.c.digest_id)
                        .where(deliveries.c.error.is_not(None))
                        .order_by(deliveries.c.id.desc()).limit(limit)).all()
    return [DeliveryError(r.email, r.topic, r.day, r.status, r.attempts, r.error) for r in rows]
