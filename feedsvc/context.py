"""What the edges (CLI, web, scheduler) load from settings to hand to the stages."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from . import ROOT, settings
from .ingest import sources as sources_mod
from .ingest import topics as topics_mod


def _path(value: str) -> Path | None:
    return settings.resolve_path(value, ROOT) if value else None


def load_sources() -> sources_mod.Sources:
    cfg = current_app.config["FEEDSVC"]
    return sources_mod.load(_path(cfg["SOURCES_FILE"]), cfg["DEFAULT_TIMEZONE"])


def load_taxonomy() -> topics_mod.Taxonomy:
    cfg = current_app.config["FEEDSVC"]
    return topics_mod.load(_path(cfg["TOPICS_FILE"]))


def corpus_dir() -> Path:
    return settings.resolve_path(current_app.config["FEEDSVC"]["CORPUS_DIR"], Path.cwd())
