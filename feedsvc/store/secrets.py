"""Secrets the installation generates for itself and keeps in the store, shared by all its processes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.exc import IntegrityError

from ..errors import FeedsvcError
from .engine import writing
from .schema import instance_secrets

SIGNING_KEY = "signing_key"


def _stored(conn: Connection, name: str) -> str | None:
    value = conn.execute(select(instance_secrets.c.value).where(instance_secrets.c.name == name)).scalar()
    return None if value is None else str(value)


def get_or_create(engine: Engine, name: str = SIGNING_KEY, *, now: datetime | None = None) -> str:
    """The stored secret ``name``; the first process to ask makes a random one and every other reads it."""
    with engine.connect() as conn:
        found = _stored(conn, name)
    if found is not None:
        return found
    try:
        with writing(engine) as conn:
            found = _stored(conn, name)
            if found is not None:
                return found
            value = secrets.token_urlsafe(48)
            conn.execute(instance_secrets.insert().values(name=name, value=value,
                                                          created_at=now or datetime.now(UTC)))
            return value
    except IntegrityError:  # another process stored one first: that one counts
        with engine.connect() as conn:
            found = _stored(conn, name)
        if found is None:
            raise FeedsvcError(f"the stored secret {name!r} could neither be written nor read")
        return found


def replace(engine: Engine, name: str = SIGNING_KEY, *, now: datetime | None = None) -> None:
    """Drop the stored secret and store a new random one."""
    with writing(engine) as conn:
        conn.execute(delete(instance_secrets).where(instance_secrets.c.name == name))
        conn.execute(instance_secrets.insert().values(name=name, value=secrets.token_urlsafe(48),
                                                      created_at=now or datetime.now(UTC)))
