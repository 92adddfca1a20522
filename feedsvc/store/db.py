"""Engines, schema upgrades, and the Flask wiring of the store."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from .. import resources
from ..errors import ConfigError, FeedsvcError
from .engine import make_engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.migrations()))
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


def schema_problem(engine: Engine) -> str | None:
    """None when the schema is current; an empty database gets it first. Otherwise what is wrong.

    Creating tables where there are none loses nothing, so a first start just works; upgrading a database
    that holds data is left to ``upgrade-db``, run on purpose.
    """
    current, head = current_revision(engine), head_revision()
    if current is None:
        try:
            upgrade(engine)
        except DBAPIError as exc:
            # Forgiven only when another process created the schema at the same moment; any other failure
            # (a table in the way, no permission) is an error of its own, not an old schema or a busy store.
            if current_revision(engine) is None:
                raise FeedsvcError(f"the database schema could not be created: {exc.orig}") from exc
        current = current_revision(engine)
    if current == head:
        return None
    return (f"The database schema is at revision {current or 'none'}, and this version of feedsvc needs "
            f"{head}. Run: flask --app feedsvc upgrade-db")


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
    except ModuleNotFoundError as exc:  # the URL's driver is not installed
        extra = " (pip install 'feedsvc[postgres]')" if exc.name == "psycopg" else ""
        raise ConfigError(f"FEEDSVC_DATABASE_URL: its driver {exc.name} is not installed{extra}") from None
    app.extensions["feedsvc.engine"] = engine

