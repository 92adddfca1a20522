"""A mail server that refuses, stalls or goes away: every outcome reaches the ledger, nobody gets two copies."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from email import errors, message_from_string, policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from feedsvc.mail import configured
from feedsvc.mail.transport import SmtpTransport
from feedsvc.store import db
from feedsvc.store import subscribers as store
from feedsvc.store.schema import deliveries
from tests.conftest import JOINED, SEND_AT, add_readers, ledger_counts, make_app, send
from tests.e2e import free_port
from tests.smtp import Mailbox, smtp_server

STAGES = [("MAIL", "*"), ("RCPT", None), ("DATA", None)]


def _row(app: Flask, email: str) -> Any:
    with app.app_context(), db.get_engine().connect() as conn:
        return conn.execute(select(deliveries).where(deliveries.c.email == email)).one()


@pytest.mark.parametrize(("command", "address"), STAGES)
def test_a_5xx_before_the_message_fails_the_row_with_the_servers_reply(db_url: str, tmp_path: Path,
                                                                       mailbox: Mailbox, command: str,
                                                                       address: str | None) -> None:
    app = make_app(db_url, tmp_path, SMTP_URL=mailbox.url)
    gone, *others = add_readers(app, 3)
    mailbox.refusals[(command, address or gone)] = ["550 5.1.1 no such user here"]
    first = send(app)
    assert first.exit_code == 1, first.output
    assert "this run: failed 1, sent 2" in first.output
    row = _row(app, gone)
    assert (row.status, row.attempts, row.error) == ("failed", 1, "550 5.1.1 no such user here")
    for hours in (1, 2, 3):  # never tried again
        again = send(app, at=SEND_AT + timedelta(hours=hours))
        assert "this run: nothing due" in again.output, again.output
    assert mailbox.refused == [(command, address or gone, "550 5.1.1 no such user here")]
    assert sorted(mailbox.copies()) == sorted(others) and ledger_counts(app) == {"sent": 2, "failed": 1}


@pytest.mark.parametrize(("command", "address"), STAGES)
@pytest.mark.parametrize("answer", ["451 4.3.0 try again later", "421 4.7.0 closing, too busy"])
def test_a_4xx_before_the_message_backs_off_and_finally_fails(tmp_path: Path, mailbox: Mailbox, command: str,
                                                              address: str | None, answer: str) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    (busy,) = add_readers(app, 1)
    mailbox.refusals[(command, address or busy)] = [answer] * 10
    at = SEND_AT
    for attempt, wait in enumerate([1, 5, 15, 60, 240], 1):
        result = send(app, at=at)
        assert "this run: retry 1" in result.output, result.output
        row = _row(app, busy)
        assert (row.status, row.attempts, row.error) == ("retry", attempt, answer)
        assert row.next_at == at + timedelta(minutes=wait)
        early = send(app, at=at + timedelta(minutes=wait) - timedelta(seconds=1))
        assert "this run: nothing due" in early.output
        at += timedelta(minutes=wait)
    last = send(app, at=at)
    assert last.exit_code == 1 and "this run: failed 1" in last.output
    assert f"failed: {busy}: {answer}" in last.output
    assert (_row(app, busy).status, _row(app, busy).attempts) == ("failed", 6)
    assert "nothing due" in send(app, at=at + timedelta(days=1)).output
    assert len(mailbox.refused) == 6 and not mailbox.received


def test_a_refusal_then_acceptance_sends_once(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'o.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    busy, other = add_readers(app, 2)
    mailbox.refusals[("RCPT", busy)] = ["450 4.2.1 mailbox busy"]
    assert "this run: retry 1, sent 1" in send(app).output
    assert "this run: sent 1" in send(app, at=SEND_AT + timedelta(minutes=1)).output
    assert mailbox.copies() == {busy: 1, other: 1}
    assert ledger_counts(app) == {"sent": 2} and _row(app, busy).attempts == 2



def test_a_run_longer_than_the_lease_keeps_its_rows_from_a_second_sender(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'l.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    readers = add_readers(app, 12)
    reports: list[Any] = []
    with smtp_server() as other, app.app_context():
        engine = db.get_engine()
        first = configured.sender(engine, "first")
        second = configured.sender(engine, "second")
        started = time.monotonic()

        def ticks() -> float:  # both senders' clock, running 240 times faster: a message takes a minute
            return started + (time.monotonic() - started) * 240

        first.ticks = second.ticks = ticks
        second.transport = SmtpTransport(other.url)

        def second_run() -> None:  # a second clock by mistake, starting when the first is past its lease
            with app.app_context():
                reports.append(second.run_once(SEND_AT + timedelta(seconds=ticks() - started)))

        late = threading.Thread(target=second_run)

        def slow_server(_address: str, count: int) -> None:
            time.sleep(0.25)  # each message takes a minute: the run lasts more than two leases
            if count == 6:
                late.start()

        mailbox.on_data = slow_server
        report = first.run_once(SEND_AT)
        late.join()
    (second_report,) = reports
    assert report.outcomes["sent"] + second_report.outcomes["sent"] == 12
    assert not report.outcomes["lost"] and not second_report.outcomes["lost"]
    assert "settled as unknown" not in second_report.outcomes
    copies = mailbox.copies() + other.copies()
    assert sorted(copies) == readers and set(copies.values()) == {1}
    assert ledger_counts(app) == {"sent": 12}


def test_a_run_that_cannot_connect_leaves_its_rows_free(tmp_path: Path) -> None:
    port = free_port()
    app = make_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", tmp_path, SMTP_URL=f"smtp://127.0.0.1:{port}")
    readers = add_readers(app, 3)
    down = send(app)
    assert down.exit_code == 1 and "stopped early" in down.output
    assert ledger_counts(app) == {"queued": 3}
    with smtp_server() as box:
        app.config["FEEDSVC"]["SMTP_URL"] = box.url
        up = send(app, at=SEND_AT + timedelta(seconds=10))  # the server is back a moment later
        assert "this run: sent 3" in up.output, up.output
        assert sorted(box.copies()) == readers


def _add(app: Flask, *emails: str) -> None:
    with app.app_context(), db.get_engine().begin() as conn:
        for email in emails:
            store.upsert(conn, email=email, topics=("politics",), hour=7, zone="UTC", status="active", now=JOINED)


@pytest.mark.parametrize("smtputf8", [False, True])
def test_non_ascii_addresses_go_out_valid_or_fail_alone(tmp_path: Path, smtputf8: bool) -> None:
    with smtp_server(smtputf8=smtputf8) as box:
        app = make_app(f"sqlite:///{tmp_path / 'i.sqlite3'}", tmp_path, SMTP_URL=box.url)
        _add(app, "aaron@example.com", "jöran@example.com", "anna@bücher.example", "zoe@example.com")
        result = send(app)
        expected = {"aaron@example.com", "anna@xn--bcher-kva.example", "zoe@example.com"}
        if smtputf8:
            assert "this run: sent 4" in result.output, result.output
            expected.add("jöran@example.com")
        else:
            assert "this run: failed 1, sent 3" in result.output, result.output
            assert "failed: jöran@example.com: " in result.output and "SMTPUTF8" in result.output
        assert set(box.copies()) == expected
        for rcpt, data in box.received:  # RFC 6532: a UTF-8 header is read as UTF-8
            message = message_from_string(data.decode("utf-8"), policy=policy.default)
            (to,) = message["To"].addresses
            # Python's parser flags a UTF-8 local part, which RFC 6532 allows; nothing else may be wrong.
            defects = [d for d in message["To"].defects if not isinstance(d, errors.NonASCIILocalPartDefect)]
            assert to.addr_spec == rcpt and not defects and "=?" not in message["To"]


def test_an_unknown_outcome_is_a_non_zero_exit(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'k.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    (reader,) = add_readers(app, 1)
    assert send(app).exit_code == 0
    with app.app_context(), db.get_engine().begin() as conn:  # as a sender killed after its claim leaves it
        conn.execute(update(deliveries).where(deliveries.c.email == reader)
                     .values(status="handed", claimed_at=SEND_AT, claimed_by="dead"))
    later = send(app, at=SEND_AT + timedelta(minutes=10))
    assert "settled as unknown 1" in later.output and later.exit_code == 1, later.output
