"""Engines for the store: SQLite pragmas and writer transactions, with nothing of Flask.

Ingest worker processes import only this, not the web's wiring.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError

WRITER = {"feedsvc_writer": True}
Unavailable = OperationalError  # the database is down, or a lock was held past the busy timeout


def unavailable(exc: OperationalError) -> bool:
    """Whether the error says the database is down or busy (try again soon), not that something is wrong in it:
    SQLite reports a table in the way with the same error class as a lock."""
    if isinstance(exc.orig, sqlite3.OperationalError):
        return "locked" in str(exc.orig) or "busy" in str(exc.orig)
    return True
# How long a SQLite writer waits for another's lock: well under gunicorn's 30 s worker timeout, so a request
# that cannot get the lock is answered 503 rather than killed.
BUSY_SECONDS = 10


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it takes the write lock at its start (waiting its turn), so
    it never fails half-way when another process writes; committed at the end of the block."""
    with engine.connect().execution_options(**WRITER) as conn, conn.begin():
        yield conn


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout.

    On SQLite, connections with the ``WRITER`` execution options begin with ``BEGIN IMMEDIATE``: writers
    queue for the lock up front (waiting up to the busy timeout) instead of failing when a read
    transaction cannot be upgraded. Readers keep plain deferred transactions and never wait for writers.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun by the "begin" hook below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # Checkpoint the WAL every ~40 MB rather than every 4 MB: ingest commits once per file.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            # Item keys are hashes, so inserts touch index pages at random: keep 16 MB of them in memory.
            cur.execute("PRAGMA cache_size=-16384")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get("feedsvc_writer") else "BEGIN"
            try:
                conn.connection.driver_connection.execute(statement)
            except sqlite3.OperationalError as exc:  # locked past the busy timeout: the store's own error type
                raise OperationalError(statement, None, exc) from exc

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True)
