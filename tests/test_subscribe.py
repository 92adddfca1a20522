"""Subscribing by double opt-in through the real web app and a real SMTP server; preferences by signed link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from feedsvc.mail import render
from feedsvc.store import db
from feedsvc.store import subscribers as store
from feedsvc.subscribers import tokens
from tests.conftest import confirmation_link, csrf, reader, subscribe, subscribe_app
from tests.e2e import free_port
from tests.smtp import Mailbox


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return subscribe_app(tmp_path, SMTP_URL=mailbox.url)


def test_double_opt_in(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    response = subscribe(client, "Reader@Example.com")
    assert response.status_code == 200 and "Check your inbox" in response.get_data(as_text=True)
    assert list(mailbox.copies()) == ["reader@example.com"]
    assert reader(app, "reader@example.com") is None  # nothing until confirmed
    link = confirmation_link(mailbox)
    page = client.get(link)  # what a mail scanner following the link does
    assert page.status_code == 200 and "Confirm subscription" in page.get_data(as_text=True)
    assert reader(app, "reader@example.com") is None
    done = client.post(link, data={"csrf_token": csrf(client, link)})
    assert done.status_code == 200 and "You are subscribed" in done.get_data(as_text=True)
    sub = reader(app, "reader@example.com")
    assert sub is not None and (sub.status, sub.topics, sub.hour, sub.zone) == (
        "active", ("politics",), 8, "Europe/London")


def test_the_answer_never_tells_whether_an_address_is_subscribed(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    with app.app_context(), db.get_engine().begin() as conn:
        store.upsert(conn, email="known@example.com", topics=("all",), hour=7, zone="UTC", status="active",
                     now=datetime.now(UTC))
    known = subscribe(client, "known@example.com")
    fresh = subscribe(client, "fresh@example.com")
    assert known.status_code == fresh.status_code == 200
    assert known.get_data(as_text=True).replace("known@", "X@") == fresh.get_data(as_text=True).replace("fresh@", "X@")
    assert sorted(mailbox.copies()) == ["fresh@example.com", "known@example.com"]
    sub = reader(app, "known@example.com")
    assert sub is not None and sub.topics == ("all",)  # an unconfirmed form changes nothing


def test_bad_fields_are_named(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    bad_email = subscribe(client, "not-an-address")
    assert bad_email.status_code == 400
    assert 'id="email-error"' in bad_email.get_data(as_text=True)
    bad_zone = subscribe(client, "r@example.com", zone="Mars/Olympus")
    assert bad_zone.status_code == 400 and "unknown time zone" in bad_zone.get_data(as_text=True)
    no_topic = subscribe(client, "r@example.com", topics=[])
    assert no_topic.status_code == 400 and "choose at least one topic" in no_topic.get_data(as_text=True)
    assert not mailbox.received


def test_forms_need_their_csrf_token(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    response = client.post("/subscribe", data={"email": "r@example.com", "topics": "all", "hour": "7",
                                                "zone": "UTC"})
    assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
    assert not mailbox.received


def test_confirmation_links_expire_and_forgeries_fail(app: Flask, mailbox: Mailbox) -> None:
    client = app.test_client()
    payload = {"e": "late@example.com", "t": ["all"], "h": 7, "z": "UTC"}
    old = tokens.make_expiring(app.config["SECRET_KEY"], tokens.CONFIRM, payload,
                               now=datetime.now(UTC) - timedelta(hours=49))
    expired = client.get(f"/subscribe/confirm/{old}")
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    forged = tokens.make_expiring("another-secret", tokens.CONFIRM, payload)
    assert client.get(f"/subscribe/confirm/{forged}").status_code == 404
    assert client.post(f"/subscribe/confirm/{old}", data={"csrf_token": csrf(client, "/subscribe")}).status_code == 404
    assert reader(app, "late@example.com") is None


def test_rate_limits_per_client_and_per_address(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS="3/minute")
    client = app.test_client()
    answers = [subscribe(client, f"r{i}@example.com").status_code for i in range(4)]
    assert answers == [200, 200, 200, 429]
    # The same address from many clients: its inbox is not flooded either.
    codes = []
    for i in range(4):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"10.0.0.{i + 1}"
        codes.append(subscribe(other, "target@example.com").status_code)
    assert codes == [200, 200, 200, 429]
    assert mailbox.copies()["target@example.com"] == 3


def test_rate_limits_shared_by_processes_through_redis(tmp_path: Path, mailbox: Mailbox) -> None:
    """Two web processes with the Redis storage count one client's attempts together."""
    import redis

    storage = "redis://127.0.0.1:6379"
    try:
        redis.Redis.from_url(storage).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {storage} is not reachable: {exc}")
    limits = f"2/hour;{free_port()}/day"  # a limit string of its own, so earlier runs' counters do not count
    first = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS=limits, RATELIMIT_STORAGE=storage)
    second = subscribe_app(tmp_path, SMTP_URL=mailbox.url, SUBSCRIBE_LIMITS=limits, RATELIMIT_STORAGE=storage)
    address = f"10.9.{free_port() % 250}.{free_port() % 250}"
    codes = []
    for app in (first, second, first):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        codes.append(subscribe(client, f"{address}@example.com").status_code)
    assert codes == [200, 200, 429]


def test_mail_server_down_is_a_clear_503(tmp_path: Path) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    response = subscribe(app.test_client(), "r@example.com")
    assert response.status_code == 503 and "try again in a few minutes" in response.get_data(as_text=True)


def test_preferences_by_signed_link(app: Flask) -> None:
    with app.app_context(), db.get_engine().begin() as conn:
        sub = store.upsert(conn, email="p@example.com", topics=("all",), hour=7, zone="UTC", status="active",
                           now=datetime.now(UTC))
    to = render.addressing(sub.email, sub.id, sender="x <x@example.org>", base_url="https://news.example.org",
                           secret=app.config["SECRET_KEY"])
    path = to.preferences_url.removeprefix("https://news.example.org")
    client = app.test_client()
    page = client.get(path)
    assert page.status_code == 200 and "p@example.com" in page.get_data(as_text=True)
    saved = client.post(path, data={"csrf_token": csrf(client, path), "topics": ["sports", "business"],
                                    "hour": "18", "zone": "Asia/Baku", "status": "paused"})
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    now = reader(app, "p@example.com")
    assert now is not None and (now.topics, now.hour, now.zone, now.status) == (
        ("sports", "business"), 18, "Asia/Baku", "paused")
    bad = client.post(path, data={"csrf_token": csrf(client, path), "topics": ["sports"], "hour": "25",
                                  "zone": "UTC"})
    assert bad.status_code == 400 and "not an hour" in bad.get_data(as_text=True)
    resumed = client.post(path, data={"csrf_token": csrf(client, path), "topics": ["sports"], "hour": "6",
                                      "zone": "UTC", "status": "active"})
    assert resumed.status_code == 200
    after = reader(app, "p@example.com")
    assert after is not None and after.status == "active"
    assert client.get("/preferences/forged-token").status_code == 404


def test_confirmations_are_dkim_signed_too(tmp_path: Path, mailbox: Mailbox, dkim_key: tuple[Path, Any]) -> None:
    import dkim

    key, dns = dkim_key
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url, DKIM_KEY_FILE=str(key))
    assert subscribe(app.test_client(), "signed@example.com").status_code == 200
    (_, data), = mailbox.received
    assert data.startswith(b"DKIM-Signature:") and dkim.verify(data, dnsfunc=dns)
