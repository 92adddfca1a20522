"""Subscribe limits that an abuser cannot dodge and that do not lock out everyone behind one proxy."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine

from feedsvc.store import subscribers as store
from feedsvc.store.engine import writing
from tests.conftest import subscribe, subscribe_app
from tests.smtp import Mailbox

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def _from(app: Flask, address: str, email: str, forwarded: str | None = None) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded is not None:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    return int(subscribe(client, email).status_code)


def test_one_mailbox_gets_its_cap_of_mails_however_its_address_is_spelt(tmp_path: Path, mailbox: Mailbox) -> None:
    # Two web processes, each with counters of its own in memory: the store counts the mails for both.
    first, second = (subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="5/minute;20/hour") for _ in range(2))
    codes = [_from((first, second)[i % 2], f"10.1.{i}.1", f"Victim+{i}@Example.COM") for i in range(40)]
    assert codes == [200] * 5 + [429] * 35
    assert len(mailbox.received) == 5
    assert _from(first, "10.2.0.1", "someone.else@example.com") == 200


def test_clients_behind_a_trusted_proxy_count_apart(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="3/minute", TRUSTED_PROXIES="1")
    codes = [_from(app, "127.0.0.1", f"r{i}@example.com", forwarded=f"203.0.113.{i}") for i in range(6)]
    assert codes == [200] * 6  # six people behind the proxy, one attempt each
    # One abuser forging the header: the proxy appends the real address, and only that one counts.
    codes = [_from(app, "127.0.0.1", f"a{i}@example.com", forwarded=f"198.51.100.{i}, 192.0.2.7")
             for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_forwarded_for_is_ignored_without_a_trusted_proxy(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="3/minute")
    codes = [_from(app, "192.0.2.9", f"f{i}@example.com", forwarded=f"203.0.113.{i}") for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_ipv6_clients_count_per_64_block(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="3/minute")
    codes = [_from(app, f"2001:db8:1:2::{i:x}", f"v{i}@example.com") for i in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    assert _from(app, "2001:db8:1:3::1", "w@example.com") == 200  # the next /64 is someone else


def test_the_store_counts_one_mailbox_exactly_when_processes_race(engine: Engine) -> None:
    windows = [(5, timedelta(minutes=1)), (7, timedelta(hours=1))]
    granted: list[bool] = []

    def attempt(now: datetime) -> None:
        with writing(engine) as conn:
            granted.append(store.take_confirmation(conn, "victim@example.com", now, windows) is None)

    threads = [threading.Thread(target=attempt, args=(NOW,)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 5
    for minutes in (2, 3, 4):  # a minute on, the hourly cap of seven is what is left
        attempt(NOW + timedelta(minutes=minutes))
    assert granted.count(True) == 7
    with writing(engine) as conn:
        wait = store.take_confirmation(conn, "victim@example.com", NOW + timedelta(minutes=5), windows)
    assert wait == timedelta(minutes=55)
