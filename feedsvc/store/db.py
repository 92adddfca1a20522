"""Engines, schema upgrades, and the Flask wiring of the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from ..errors import ConfigError

WRITER = {"feedsvc_writer": True}


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    On SQLite, connections with the ``WRITER`` execution options begin with ``BEGIN IMMEDIATE``: writers
    queue for the lock up front (waiting up to the busy timeout) instead of failing when a read
    transaction cannot be upgraded. Readers keep plain deferred transactions and never wait for writers.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun by the "begin" hook below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # Checkpoint the WAL every ~40 MB rather than every 4 MB: ingest commits once per file.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            # Item keys are hashes, so inserts touch index pages at random: keep 32 MB of them in memory.
            cur.execute("PRAGMA cache_size=-32768")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            immediate = conn.get_execution_options().get("feedsvc_writer")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, keeping every row already stored."""
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def database_url(app: Flask) -> str:
    url: str = app.config["FEEDSVC"]["DATABASE_URL"]
    if url:
        return url
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(app.instance_path) / "feedsvc.sqlite3")


def get_engine() -> Engine:
    engine: Engine = current_app.extensions["feedsvc.engine"]
    return engine


def init_app(app: Flask) -> None:
    """Attach an engine (created lazily on first use) and make sure the schema is current."""
    url = database_url(app)
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:  # a malformed or unsupported URL
        raise ConfigError(f"FEEDSVC_DATABASE_URL: {exc}") from None
    app.extensions["feedsvc.engine"] = engine


def utcnow() -> datetime:
    return datetime.now(UTC)
