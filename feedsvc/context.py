"""What the edges (CLI, web, clock) load from settings to hand to the stages: files, mail server, sender."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import Engine

from . import ROOT, corpus, settings, websub
from .ingest import sources as sources_mod
from .ingest import topics as topics_mod
from .mail import render
from .mail.render import Addressing, Prepared
from .mail.send import Sender
from .mail.transport import OutboxTransport, Signer, SmtpTransport, Transport
from .store import db, runs, secrets
from .store import digests as digest_store
from .store.engine import writing


def _path(value: str) -> Path | None:
    return settings.resolve_path(value, ROOT) if value else None


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


def transport() -> Transport:
    """The mail server of FEEDSVC_SMTP_URL, or the outbox folder when none is set."""
    cfg = current_app.config["FEEDSVC"]
    if cfg["SMTP_URL"]:
        return SmtpTransport(cfg["SMTP_URL"], batch=cfg["SMTP_BATCH"])
    return OutboxTransport(settings.resolve_path(cfg["OUTBOX_DIR"], Path.cwd()))


def signer() -> Signer | None:
    cfg = current_app.config["FEEDSVC"]
    if not cfg["DKIM_KEY_FILE"]:
        return None
    domain = parseaddr(cfg["MAIL_FROM"])[1].rpartition("@")[2]
    return Signer(settings.resolve_path(cfg["DKIM_KEY_FILE"], Path.cwd()), selector=cfg["DKIM_SELECTOR"],
                  domain=domain)


def sender(engine: Engine, run: str) -> Sender:
    """A digest sender wired to this app's settings, store, mail server and templates."""
    cfg = current_app.config["FEEDSVC"]
    taxonomy, sources, key = load_taxonomy(), load_sources(), secret_key()

    def prepare(digest_id: int) -> Prepared:
        with engine.connect() as conn:
            record = digest_store.by_id(conn, digest_id)
        assert record is not None, f"digest {digest_id} vanished"
        return render.prepare(record, taxonomy=taxonomy, sources=sources, base_url=cfg["BASE_URL"])

    def address(email: str, subscriber_id: int) -> Addressing:
        return render.addressing(email, subscriber_id, sender=cfg["MAIL_FROM"], base_url=cfg["BASE_URL"],
                                 secret=key)

    return Sender(engine, transport(), prepare, address, domain=urlsplit(cfg["BASE_URL"]).hostname or "localhost",
                  run=run, rate=cfg["SEND_RATE"], signer=signer())


def run_counts(summary: corpus.Summary) -> dict[str, int]:
    """An ingest run's figures by the names the store and the logs give them."""
    c = summary.counts
    return {"files_read": summary.files_read, "files_unchanged": summary.files_unchanged,
            "files_failed": len({f.path for f in summary.failures}), "articles_new": c.articles_new,
            "articles_updated": c.articles_updated, "articles_unchanged": c.articles_unchanged,
            "headlines_new": c.headlines_new, "headlines_known": c.headlines_known}


def ingest(engine: Engine, targets: list[Path], progress: Callable[[int, int], None] | None = None, *,
           origin: str = "cli") -> tuple[corpus.Summary, str | None, list[str]]:
    """Run the ingest job with this app's settings, remember the run in the store, then announce the feeds
    it changed to the WebSub hub.

    Returns the summary, a line saying what was announced (None when nothing was), and the hub's problems.
    """
    cfg = current_app.config["FEEDSVC"]
    started = datetime.now(UTC)
    summary = corpus.ingest(engine, targets, sources=load_sources(), taxonomy=load_taxonomy(),
                            max_bytes=cfg["MAX_FILE_BYTES"], authority=cfg["TAG_AUTHORITY"], progress=progress)
    with writing(engine) as conn:
        runs.record(conn, origin=origin, started_at=started, finished_at=datetime.now(UTC),
                    counts=run_counts(summary))
    changed = summary.counts.articles_new + summary.counts.articles_updated + summary.counts.headlines_new
    if not (cfg["HUB_URL"] and changed):
        return summary, None, []
    urls = websub.feed_urls(cfg["BASE_URL"], sorted(summary.topics_changed))
    problems = websub.publish(cfg["HUB_URL"], urls)
    return summary, f"websub: {len(urls) - len(problems)} of {len(urls)} feeds announced to {cfg['HUB_URL']}", \
        [f"websub: {problem}" for problem in problems]
