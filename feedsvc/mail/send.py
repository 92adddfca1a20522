"""Sending digests exactly once: the audience is taken at send time, each message through the ledger.

A run (by the clock, or ``flask digest send``) does three things:

1. settles rows a dead sender left ``handed``: the outbox can tell whether the file arrived; an SMTP server
   cannot be asked, so such a row becomes ``unknown`` and is reported, never sent again on its own;
2. queues a row for every active reader of every built digest whose delivery hour has come (each reader's
   own hour in their own zone, so daylight-saving changes move nothing), catching up on a missed hour for a
   day;
3. sends waiting rows in id order, claiming each just before the point of no return.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from email.utils import parseaddr
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from ..errors import DeliveryError
from ..store import deliveries as ledger
from ..store import digests as digest_store
from ..store import subscribers as subscriber_store
from ..store.engine import writing
from .render import Addressing, Prepared, message_id
from .transport import Envelope, Signer, Transport

LEASE = timedelta(minutes=5)  # a claim not renewed for this long belongs to a sender that died
CATCH_UP = timedelta(days=1)  # a reader's hour missed by more than this is not made up for
MAX_ATTEMPTS = 6
CHUNK = 500


def due_at(window_end: datetime, hour: int, zone: ZoneInfo) -> datetime:
    """The first ``hour``:00 on the reader's wall clock at or after the digest's window closed, in UTC.

    Compared in UTC: Python compares two times of the same zone by wall clock, which is wrong across a
    daylight-saving change. An hour that a spring-forward skips maps to the hour after it.
    """
    local = window_end.astimezone(zone)
    for days in (0, 1, 2):
        candidate = datetime.combine(local.date() + timedelta(days=days), clock_time(hour), tzinfo=zone)
        if candidate.astimezone(UTC) >= window_end.astimezone(UTC):
            return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a day later is always later")


@dataclass
class SendReport:
    """What one run did, and where the ledger of the digests it touched stands."""

    queued: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    ledger: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    stopped: str | None = None

    def lines(self) -> list[str]:
        done = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()) if v) or "nothing due"
        lines = [f"queued {self.queued} new; this run: {done}"]
        if self.ledger:
            lines.append("ledger: " + ", ".join(f"{k} {self.ledger[k]}" for k in ledger.STATUSES if self.ledger[k]))
        lines.extend(self.problems)
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        return lines


@dataclass
class Sender:
    """Everything a run needs; ``prepare`` renders one digest (by id) for all its readers in one time zone."""

    engine: Engine
    transport: Transport
    prepare: Callable[[int, str], Prepared]  # (digest id, zone name)
    address: Callable[[str, int], Addressing]  # (email, subscriber id) -> addressing
    domain: str
    run: str
    rate: float = 0.0  # messages per second; 0: no limit
    signer: Signer | None = None
    sleep: Callable[[float], None] = time.sleep
    ticks: Callable[[], float] = time.monotonic  # seconds, for leases: the run's own clock
    _prepared: dict[tuple[int, str], Prepared] = field(default_factory=dict)
    _next_slot: float = 0.0
    _origin: tuple[datetime, float] = (datetime.min.replace(tzinfo=UTC), 0.0)
    _renewed: float = 0.0

    def _clock(self) -> datetime:
        """The run's ``now`` moved on by the time it has taken: leases are reckoned on it, so a long run's
        claims stay its own however long it lasts."""
        start, started = self._origin
        return start + timedelta(seconds=self.ticks() - started)

    def _renew(self) -> None:
        """Renew this run's reservations and claims a few times per lease, while it lives."""
        if self.ticks() - self._renewed >= LEASE.total_seconds() / 3:
            with writing(self.engine) as conn:
                ledger.renew(conn, self.run, self._clock())
            self._renewed = self.ticks()

    def settle_stale(self, now: datetime) -> Counter[str]:
        settled: Counter[str] = Counter()
        with writing(self.engine) as conn:
            for row in ledger.stale_handed(conn, now - LEASE):
                arrived = self.transport.delivered(row.message_id)
                status = {True: "sent", False: "queued", None: "unknown"}[arrived]
                error = ("its sender stopped after handing the message to the mail server, which may or may not "
                         "have it; `digest send --resend-unknown` sends it again" if arrived is None else None)
                ledger.settle(conn, row.id, status, error)
                settled[status] += 1
        return settled

    def enqueue_due(self, now: datetime, *, dry_run: bool = False) -> tuple[int, list[int]]:
        """Queue every reader whose hour has come for each deliverable digest; (new rows, digest ids)."""
        def when(window_end: datetime, sub: Any) -> datetime | None:
            due = due_at(window_end, sub.hour, ZoneInfo(sub.zone))
            return due if due <= now and now - due <= CATCH_UP and due >= sub.created_at else None

        with self.engine.connect() as conn:
            found = digest_store.deliverable(conn, now - CATCH_UP - timedelta(days=2), now)
        queued = 0
        for digest_id, topic, day, window_end in found:
            queued += self._enqueue(digest_id, topic, day, partial(when, window_end), dry_run)
        return queued, [d for d, _, _, _ in found]

    def enqueue_now(self, digest_id: int, topic: str, day: str, now: datetime, *, dry_run: bool = False) -> int:
        """Queue every active reader of one digest, due at once: sending it by hand."""
        return self._enqueue(digest_id, topic, day, lambda sub: now, dry_run)

    def _enqueue(self, digest_id: int, topic: str, day: str, when: Callable[[Any], datetime | None],
                 dry_run: bool) -> int:
        """Rows for the active readers of ``topic`` that have none for this digest yet and are due."""
        queued = last = 0
        with writing(self.engine) as conn:
            known = ledger.subscribers_of(conn, digest_id)
            while True:
                subs = subscriber_store.active_after(conn, last, CHUNK)
                if not subs:
                    return queued
                last = subs[-1].id
                rows = []
                for sub in subs:
                    if sub.id in known or topic not in json.loads(sub.topics):
                        continue
                    due = when(sub)
                    if due is not None:
                        rows.append({"digest_id": digest_id, "subscriber_id": sub.id, "email": sub.email,
                                     "message_id": message_id(topic, day, sub.email, self.domain), "next_at": due})
                queued += len(rows) if dry_run else ledger.enqueue(conn, rows)

    def _pace(self) -> None:
        if self.rate <= 0:
            return
        wait = self._next_slot - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._next_slot = max(self._next_slot, time.monotonic()) + 1.0 / self.rate

    def _send_one(self, row: Any, now: datetime, zone: str) -> str:
        prepared = self._prepared.get((row.digest_id, zone))
        if prepared is None:
            prepared = self._prepared[row.digest_id, zone] = self.prepare(row.digest_id, zone)
        to = self.address(row.email, row.subscriber_id)
        data = prepared.message_bytes(to)
        if self.signer is not None:
            data = self.signer.sign(data)

        claimed = False

        def claim() -> bool:
            nonlocal claimed
            claimed = True
            with writing(self.engine) as conn:
                return ledger.claim(conn, row.id, self.run, self._clock())

        self._pace()
        outcome = self.transport.send(Envelope(parseaddr(to.sender)[1], row.email, row.message_id), data, claim)
        if outcome.status == "lost":  # another sender has it, or the reader has just left
            with writing(self.engine) as conn:
                return "cancelled" if ledger.cancel_inactive(conn, now, row.id) else "lost"
        status, next_at = outcome.status, None
        if status == "retry":
            if row.attempts + 1 >= MAX_ATTEMPTS:
                status = "failed"
            else:
                next_at = now + ledger.backoff(row.attempts + 1)
        with writing(self.engine) as conn:
            if claimed:
                ledger.finish(conn, row.id, self.run, status, now,
                              error=None if status == "sent" else outcome.reply, next_at=next_at)
            else:  # refused before the message was handed over: nothing was claimed
                ledger.refused(conn, row.id, self.run, status, self._clock(), error=outcome.reply, next_at=next_at)
        return status

    def run_once(self, now: datetime, *, only: tuple[int, str, str] | None = None) -> SendReport:
        """Settle, queue, send what is due, and report; a mail server that is down stops the run.

        ``only``: (id, topic, day) of one digest to send to all its readers now, whatever their hour.
        """
        report = SendReport()
        self._origin, self._renewed = (now, self.ticks()), self.ticks()
        for status, n in self.settle_stale(now).items():
            report.outcomes[f"settled as {status}"] += n
        if only is None:
            report.queued, digest_ids = self.enqueue_due(now)
        else:
            report.queued, digest_ids = self.enqueue_now(*only, now), [only[0]]
        after = 0
        try:
            while True:
                with writing(self.engine) as conn:
                    report.outcomes["cancelled"] += ledger.cancel_inactive(conn, now)
                    rows = ledger.reserve(conn, self.run, self._clock(), LEASE, after_id=after)
                    zones = subscriber_store.zones(conn, [r.subscriber_id for r in rows])
                if not rows:
                    break
                for row in rows:
                    after = row.id
                    self._renew()
                    report.outcomes[self._send_one(row, now, zones.get(row.subscriber_id, "UTC"))] += 1
        except DeliveryError as exc:
            report.stopped = str(exc)
            with writing(self.engine) as conn:  # the rows it could not send are free for the next run at once
                ledger.release(conn, self.run)
        finally:
            self.transport.close()
        with self.engine.connect() as conn:
            touched = sorted(set(digest_ids) | {digest_id for digest_id, _ in self._prepared})
            report.ledger = ledger.counts(conn, touched)
            report.problems = [f"{r.status}: {r.email}: {r.error}" for r in ledger.problems(conn, touched)]
        return report
