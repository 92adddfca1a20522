"""The running app's settings, and the topics and sources files they name, read once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

from . import settings
from .store import db, secrets
from .topics import sources as sources_mod
from .topics import taxonomy as topics_mod


def _path(value: str) -> Path | None:
    return settings.resolve_path(value, Path.cwd()) if value else None


def load_sources() -> sources_mod.Sources:
    """The sources file, read once per process."""
    cached = current_app.extensions.get("feedsvc.sources")
    if cached is None:
        cfg = current_app.config["FEEDSVC"]
        cached = current_app.extensions["feedsvc.sources"] = sources_mod.load(_path(cfg["SOURCES_FILE"]),
                                                                               cfg["DEFAULT_TIMEZONE"])
    return cached


def load_taxonomy(*, fresh: bool = False) -> topics_mod.Taxonomy:
    """The topics file, read once per process, or again when ``fresh`` (after the user edited it)."""
    cached = current_app.extensions.get("feedsvc.taxonomy")
    if cached is None or fresh:
        cfg = current_app.config["FEEDSVC"]
        cached = current_app.extensions["feedsvc.taxonomy"] = topics_mod.load(_path(cfg["TOPICS_FILE"]))
    return cached


def setting(name: str) -> Any:
    return secret_key() if name == "SECRET_KEY" else current_app.config["FEEDSVC"][name]


def secret_key() -> str:
    """The signing key: FEEDSVC_SECRET_KEY when set, else the one kept in the store (made on first use),
    read once per process."""
    key: str = current_app.config["FEEDSVC"]["SECRET_KEY"] or current_app.config["SECRET_KEY"]
    if not key:
        key = current_app.config["SECRET_KEY"] = secrets.get_or_create(db.get_engine())
    return key


def corpus_dir() -> Path:
    return settings.resolve_path(current_app.config["FEEDSVC"]["CORPUS_DIR"], Path.cwd())
