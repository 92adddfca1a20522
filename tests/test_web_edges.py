"""Odd requests and an unwell store get a clear 4xx or 503, never a 500; cookies and exports are safe."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from flask import Flask

from feedsvc import create_app, settings
from feedsvc.store import db, engine
from feedsvc.store import subscribers as store
from tests.conftest import JOINED, SEEDS, subscribe, subscribe_app
from tests.smtp import Mailbox


def test_the_session_cookie_is_same_site_and_secure_over_https(tmp_path: Path) -> None:
    for base, secure in (("https://news.example.org", True), ("http://127.0.0.1:8000", False)):
        app = subscribe_app(tmp_path, BASE_URL=base)
        page = app.test_client().get("/subscribe")
        cookie = page.headers["Set-Cookie"]
        assert "SameSite=Lax" in cookie and ("; Secure" in cookie) == secure, cookie


def test_a_long_zone_is_a_named_field_error(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url)
    for zone in ("Europe/" + "x" * 300, "../../etc/passwd", "Europe/London\x00"):
        answer = subscribe(app.test_client(), "z@example.com", zone=zone)
        assert answer.status_code == 400 and "unknown time zone" in answer.get_data(as_text=True)
    assert not mailbox.received


@pytest.mark.parametrize("before", ["2025-07-05T10:00:00_5", "9999-12-31T23:59:00-05:00_5",
                                    "0001-01-01T00:00:00+05:00_5", "2025-07-05T10:00:00+00:00_" + "9" * 30, "x_y"])
def test_topic_pages_refuse_odd_positions(sqlite_app: Flask, before: str) -> None:
    answer = sqlite_app.test_client().get("/topics/politics", query_string={"before": before})
    assert answer.status_code == 404


def test_a_405_says_what_is_allowed(sqlite_app: Flask) -> None:
    answer = sqlite_app.test_client().delete("/subscribe")
    assert answer.status_code == 405 and set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_locked_store_is_a_503_with_retry_after_well_before_the_worker_timeout(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "CORPUS_DIR": str(SEEDS), "TESTING": True})
    with app.app_context():
        db.upgrade(db.get_engine())
        with db.get_engine().begin() as conn:
            store.upsert(conn, email="r@example.com", topics=("all",), hour=7, zone="UTC", status="active",
                         now=JOINED)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        from feedsvc.subscribers import tokens

        token = tokens.make(app.config["SECRET_KEY"], tokens.UNSUBSCRIBE, 1)
        answer = app.test_client().post(f"/unsubscribe/{token}")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0
    assert engine.BUSY_SECONDS < 30  # gunicorn kills a worker after 30 s: the store gives up first


def test_a_database_that_is_down_is_a_503_with_retry_after(tmp_path: Path) -> None:
    from tests.e2e import free_port

    app = create_app({"DATABASE_URL": f"postgresql://127.0.0.1:{free_port()}/none", "CORPUS_DIR": str(SEEDS),
                      "TESTING": True})
    answer = app.test_client().get("/")
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0


def test_export_quotes_cells_a_spreadsheet_would_run(sqlite_app: Flask) -> None:
    with sqlite_app.app_context(), db.get_engine().begin() as conn:
        for email in ("=cmd@example.com", "+sum@example.com", "-x@example.com", "@at@example.com",
                      "plain@example.com"):
            store.upsert(conn, email=email, topics=("all",), hour=7, zone="UTC", status="active", now=JOINED)
    out = sqlite_app.test_cli_runner().invoke(args=["subscribers", "export"]).output
    emails = [row[0] for row in csv.reader(io.StringIO(out))][1:]
    assert sorted(emails) == ["'+sum@example.com", "'-x@example.com", "'=cmd@example.com", "'@at@example.com",
                              "plain@example.com"]


def test_the_test_suites_postgres_variable_is_not_a_bad_setting() -> None:
    values = settings.load({"FEEDSVC_TEST_POSTGRES": "postgresql://127.0.0.1:5432/test"})
    assert "DATABASE_URL" in values
    with pytest.raises(Exception, match="FEEDSVC_TEST_POSTGRESS: unknown setting"):
        settings.load({"FEEDSVC_TEST_POSTGRESS": "x", "FEEDSVC_TEST_POSTGRES": "y"})
