"""Sending digests through a real SMTP server on loopback, once per reader whatever happens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dkim
import pytest

from feedsvc.mail.transport import Signer
from feedsvc.store import db
from feedsvc.store import subscribers as store
from tests.conftest import ROOT, SEND_AT, add_readers, ledger_counts, make_app, send
from tests.smtp import Mailbox


def test_each_reader_once_over_one_connection(db_url: str, tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(db_url, tmp_path, SMTP_URL=mailbox.url)
    readers = add_readers(app, 30)
    add_readers_elsewhere = add_readers(app, 1, topic="sports", name="fan")  # not a politics reader: gets nothing
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "queued 30 new; this run: sent 30" in result.output
    assert sorted(mailbox.copies()) == readers and set(mailbox.copies().values()) == {1}
    assert add_readers_elsewhere[0] not in mailbox.copies()
    assert mailbox.connections == 1
    ids = set()
    for msg in mailbox.messages():
        assert msg["Subject"].startswith("Politics digest, 5 July 2025: ")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = msg["List-Unsubscribe"].split(",")[0].strip("<> ")
        assert unsubscribe.startswith("https://news.example.org/unsubscribe/")
        text = msg.get_body(preferencelist=("plain",)).get_content()
        assert unsubscribe in text and "https://news.example.org/preferences/" in text
        ids.add(msg["Message-ID"])
    assert len(ids) == 30  # one Message-ID per reader
    again = send(app, at=SEND_AT + timedelta(minutes=30))
    assert "queued 0 new; this run: nothing due" in again.output and len(mailbox.received) == 30


def test_batches_reuse_connections(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path, SMTP_URL=mailbox.url, SMTP_BATCH=10)
    add_readers(app, 25)
    assert send(app).exit_code == 0
    assert len(mailbox.received) == 25 and mailbox.connections == 3


def test_4xx_is_retried_after_a_back_off_and_5xx_fails(db_url: str, tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(db_url, tmp_path, SMTP_URL=mailbox.url)
    busy, gone, *_ = add_readers(app, 5)
    mailbox.replies[busy] = ["451 4.3.0 mailbox busy, try later"]
    mailbox.replies[gone] = ["550 5.1.1 no such user"]
    first = send(app)
    assert first.exit_code == 1  # a failure is reported in the exit status
    assert "this run: failed 1, retry 1, sent 3" in first.output
    assert f"failed: {gone}: 550 5.1.1 no such user" in first.output
    soon = send(app, at=SEND_AT + timedelta(seconds=30))
    assert "nothing due" in soon.output  # the first back-off is a minute
    later = send(app, at=SEND_AT + timedelta(minutes=2))
    assert "this run: sent 1" in later.output
    assert mailbox.copies()[busy] == 1 and gone not in mailbox.copies()
    assert ledger_counts(app) == {"sent": 4, "failed": 1}


def test_a_reader_unsubscribed_a_moment_before_gets_nothing(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'u.sqlite3'}", tmp_path, SMTP_URL=mailbox.url)
    first, second, third = add_readers(app, 3)

    def unsubscribe(address: str) -> None:
        with app.app_context(), db.get_engine().begin() as conn:
            found = store.by_email(conn, address)
            assert found is not None
            store.set_status(conn, found.id, "unsubscribed", SEND_AT)

    # The first reader leaves while their own message is on its way (after RCPT, before the final dot);
    # the third leaves while the first's message is being sent.
    mailbox.on_rcpt = lambda address, _: (unsubscribe(first), unsubscribe(third)) if address == first else None
    result = send(app)
    assert result.exit_code == 0, result.output
    assert list(mailbox.copies()) == [second]
    assert ledger_counts(app) == {"sent": 1, "cancelled": 2}


def _send_process(env: dict[str, str], at: datetime) -> subprocess.Popen[bytes]:
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.Popen([flask, "--app", "feedsvc", "digest", "send", "--now", at.isoformat()], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.parametrize("moment", ["before the claim", "after the server has the message"])
def test_killed_sender_rerun_leaves_one_copy_each(moment: str, tmp_path: Path, mailbox: Mailbox) -> None:
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    app = make_app(url, tmp_path, SMTP_URL=mailbox.url)
    readers = add_readers(app, 40)
    victim: list[subprocess.Popen[bytes]] = []

    def kill(_address: str, count: int) -> None:
        if count == 12 and victim and victim[0].poll() is None:
            os.kill(victim[0].pid, signal.SIGKILL)
            victim[0].wait()

    if moment == "before the claim":
        mailbox.on_rcpt = kill
    else:
        mailbox.on_data = kill
    env = {"FEEDSVC_DATABASE_URL": url, "FEEDSVC_SMTP_URL": mailbox.url, "FEEDSVC_BASE_URL": "https://news.example.org"}
    victim.append(_send_process(env, SEND_AT))
    victim[0].wait(timeout=60)
    assert victim[0].returncode == -signal.SIGKILL
    mailbox.on_rcpt = mailbox.on_data = None
    # The rerun comes after the lease of the dead sender's claim has run out.
    rerun = _send_process(env, SEND_AT + timedelta(minutes=10))
    output = rerun.communicate(timeout=60)[0].decode()
    assert sorted(mailbox.copies()) == readers and set(mailbox.copies().values()) == {1}, output
    if moment == "before the claim":
        assert ledger_counts(app) == {"sent": 40}
    else:  # the server took the message but the sender died before hearing so: reported, not sent again
        assert ledger_counts(app) == {"sent": 39, "unknown": 1}
        assert "settled as unknown 1" in output and "unknown: reader" in output


def test_outbox_without_a_mail_server(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'o.sqlite3'}", tmp_path)
    readers = add_readers(app, 3)
    assert send(app).exit_code == 0
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 3 and not list((tmp_path / "outbox").glob("*.part"))
    from email import message_from_bytes, policy
    tos = sorted(message_from_bytes(f.read_bytes(), policy=policy.default)["To"] for f in files)
    assert tos == readers


def test_outbox_settles_a_dead_senders_message_by_its_file(tmp_path: Path) -> None:
    """A sender that died after its claim but before the rename: the file never arrived, so it is sent."""
    app = make_app(f"sqlite:///{tmp_path / 'd.sqlite3'}", tmp_path)
    add_readers(app, 2)
    with app.app_context():
        from feedsvc.mail import configured

        engine = db.get_engine()
        sender = configured.sender(engine, "dying")
        transport = sender.transport
        original = transport.send

        def die_after_claim(envelope: Any, data: bytes, claim: Any) -> Any:
            def claim_then_die() -> bool:
                claim()
                raise KeyboardInterrupt  # as if killed between the claim and the rename

            return original(envelope, data, claim_then_die)

        transport.send = die_after_claim  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            sender.run_once(SEND_AT)
    assert ledger_counts(app) == {"handed": 1, "queued": 1}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 0
    early = send(app, at=SEND_AT + timedelta(minutes=1))  # the dead sender's claims are still leased
    assert ledger_counts(app) == {"handed": 1, "queued": 1}, early.output
    result = send(app, at=SEND_AT + timedelta(minutes=10))
    assert "settled as queued 1" in result.output and "sent 2" in result.output
    assert ledger_counts(app) == {"sent": 2}
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


def test_dkim_signature_verifies(tmp_path: Path, mailbox: Mailbox, dkim_key: tuple[Path, Any]) -> None:
    key, dns = dkim_key
    app = make_app(f"sqlite:///{tmp_path / 's.sqlite3'}", tmp_path, SMTP_URL=mailbox.url, DKIM_KEY_FILE=str(key))
    add_readers(app, 2)
    assert send(app).exit_code == 0
    for _, data in mailbox.received:
        assert data.startswith(b"DKIM-Signature:")
        assert dkim.verify(data, dnsfunc=dns)
        assert not dkim.verify(data.replace(b"Politics digest", b"Politics digesT", 1), dnsfunc=dns)


def test_a_bad_dkim_key_is_named(tmp_path: Path) -> None:
    key = tmp_path / "bad.pem"
    key.write_text("not a key")
    with pytest.raises(Exception, match="FEEDSVC_DKIM_KEY_FILE"):
        Signer(key, selector="s", domain="example.org")


def test_rate_limit_spaces_messages(tmp_path: Path, mailbox: Mailbox) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'r.sqlite3'}", tmp_path, SMTP_URL=mailbox.url, SEND_RATE=20)
    add_readers(app, 10)
    waits: list[float] = []
    with app.app_context():
        from feedsvc.mail import configured

        sender = configured.sender(db.get_engine(), "paced")
        def nap(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(seconds)

        sender.sleep = nap
        report = sender.run_once(SEND_AT)
    assert report.outcomes["sent"] == 10
    # Ten messages at 20 a second: the sender waits before most of them, never more than one gap.
    assert len(waits) >= 5 and all(0 < w <= 1 / 20 for w in waits)


def test_no_server_stops_the_run_and_keeps_rows_waiting(tmp_path: Path) -> None:
    from tests.e2e import free_port

    app = make_app(f"sqlite:///{tmp_path / 'n.sqlite3'}", tmp_path, SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    add_readers(app, 2)
    result = send(app)
    assert result.exit_code == 1 and "stopped early: mail server 127.0.0.1:" in result.output
    assert ledger_counts(app) == {"queued": 2}
