"""Shared fixtures: real SQLite files, schemas on the local PostgreSQL server, the Flask app."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text

from feedsvc import context, create_app
from feedsvc.store import db
from feedsvc.store import deliveries as ledger
from feedsvc.store import subscribers as store
from feedsvc.topics import sources as sources_mod
from feedsvc.topics import taxonomy as topics_mod
from tests.smtp import Mailbox, smtp_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PG_URL = os.environ.get("FEEDSVC_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
CAPTURED = datetime(2025, 7, 5, 17, 0, tzinfo=UTC)

PAGE = """Story number {n} about the regional summit

Politics 10:{m:02d} 01.03.2024

The leaders of the region met on Friday for story {n}, officials said in a statement.

They agreed to meet again next month in the capital.

News line
Unique headline {n} alpha
10:{m:02d} 01.03.2024
Unique headline {n} beta
09:{m:02d} 01.03.2024
"""


def ingest_run(url: str, tmp_path: Path, pages: int = 1500) -> tuple[Engine, dict[str, str], list[str]]:
    """A migrated store at ``url``, a corpus of ``pages`` pages, and the environment and command to ingest it."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for n in range(pages):
        (corpus_dir / f"page{n:05d}.txt").write_text(PAGE.format(n=n, m=n % 60), encoding="utf-8")
    engine = db.make_engine(url)
    db.upgrade(engine)
    env = dict(os.environ, FEEDSVC_DATABASE_URL=url)
    return engine, env, [sys.executable, "-m", "flask", "--app", "feedsvc", "ingest", str(corpus_dir)]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    """Return as soon as ``condition()`` is true; fail naming ``what`` once ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(0.1)


def _postgres_available() -> str | None:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 (any failure to connect means the server is not usable here)
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_ready() -> None:
    problem = _postgres_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI and not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")


@pytest.fixture
def pg_url(postgres_ready: None) -> Iterator[str]:
    """A URL whose connections see only a fresh schema of their own."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a SQLite file and on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[object]:
    eng = db.make_engine(db_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on loopback for the test (tests/smtp.py)."""
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="session")
def sources() -> sources_mod.Sources:
    return sources_mod.load(None, "UTC")


@pytest.fixture(scope="session")
def taxonomy() -> topics_mod.Taxonomy:
    return topics_mod.load()


@pytest.fixture
def app(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": db_url, "CORPUS_DIR": str(SEEDS), "TESTING": True})
    with app.app_context():
        db.upgrade(db.get_engine())
        context.secret_key()  # the generated key, as the first request would read it
    yield app
    app.extensions["feedsvc.engine"].dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app on a SQLite file only, for tests of the web and CLI that are not about the store."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}", "CORPUS_DIR": str(SEEDS),
                      "TESTING": True})
    with app.app_context():
        db.upgrade(db.get_engine())
        context.secret_key()  # the generated key, as the first request would read it
    yield app
    app.extensions["feedsvc.engine"].dispose()


# Digest sending: an app with the seeds ingested and a digest built, its readers, and its ledger.
JOINED = datetime(2025, 7, 1, tzinfo=UTC)
SEND_AT = datetime(2025, 7, 6, 7, 30, tzinfo=UTC)  # half an hour after readers' 07:00 UTC


def make_app(db_url: str, tmp_path: Path, *, build: str | None = "2025-07-05", **settings: Any) -> Flask:
    config = {"DATABASE_URL": db_url, "CORPUS_DIR": str(SEEDS), "TESTING": True, "BASE_URL": "https://news.example.org",
              "OUTBOX_DIR": str(tmp_path / "outbox"), "MAIL_FROM": "News digest <digest@news.example.org>",
              **settings}
    app = create_app(config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    if build:
        result = runner.invoke(args=["digest", "build", "--topic", "politics", "--date", build])
        assert "built" in result.output, result.output
    return app


def add_readers(app: Flask, count: int, *, topic: str = "politics", hour: int = 7, zone: str = "UTC",
                name: str = "reader", joined: datetime = JOINED) -> list[str]:
    emails = [f"{name}{i:03d}@example.com" for i in range(count)]
    with app.app_context(), db.get_engine().begin() as conn:
        for email in emails:
            store.upsert(conn, email=email, topics=(topic,), hour=hour, zone=zone, status="active", now=joined)
    return emails


def send(app: Flask, *args: str, at: datetime = SEND_AT) -> Any:
    """``digest send`` at ``at``, as the CLI runs it."""
    return app.test_cli_runner().invoke(args=["digest", "send", "--now", at.isoformat(), *args])


def ledger_counts(app: Flask) -> dict[str, int]:
    with app.app_context(), db.get_engine().connect() as conn:
        return dict(ledger.counts(conn))


@pytest.fixture
def dkim_key(tmp_path: Path) -> tuple[Path, Any]:
    """A fresh RSA key, and a DNS lookup that publishes its public half for news.example.org."""
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"feedsvc._domainkey.news.example.org."
        return record

    return key, dns


# The subscribe form through the web app (tests of subscribing, links, limits and wording).
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def subscribe_app(tmp_path: Path, **settings: Any) -> Flask:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "CORPUS_DIR": str(SEEDS),
                      "TESTING": True, "BASE_URL": "https://news.example.org",
                      "MAIL_FROM": "News digest <digest@news.example.org>", **settings})
    with app.app_context():
        db.upgrade(db.get_engine())
        context.secret_key()  # the generated key, as the first request would read it
    return app


def csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, "the form carries a CSRF token"
    return found.group(1)


def subscribe(client: FlaskClient, email: str, **fields: Any) -> Any:
    form = {"csrf_token": csrf(client, "/subscribe"), "email": email, "topics": ["politics"], "hour": "8",
            "zone": "Europe/London", **fields}
    return client.post("/subscribe", data=form)


def confirmation_link(box: Mailbox, index: int = -1) -> str:
    message = box.messages()[index]
    assert message["Subject"] == "Confirm your digest subscription"
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https://news\.example\.org(/subscribe/confirm/\S+)", text)
    assert found, text
    return found.group(1)


def reader(app: Flask, email: str) -> store.Subscriber | None:
    with app.app_context(), db.get_engine().connect() as conn:
        return store.by_email(conn, email)
