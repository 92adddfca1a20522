"""The mail server, DKIM signer and digest sender that this app's settings describe."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Engine

from .. import settings
from ..context import load_sources, load_taxonomy, secret_key
from ..errors import NotFound
from ..store import digests as digest_store
from . import render
from .render import Addressing, Prepared
from .send import Sender
from .transport import OutboxTransport, Signer, SmtpTransport, Transport


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

    def prepare(digest_id: int, zone: str) -> Prepared:
        with engine.connect() as conn:
            record = digest_store.by_id(conn, digest_id)
        if record is None:
            raise NotFound(f"digest {digest_id} vanished before it was sent")
        return render.prepare(record, taxonomy=taxonomy, sources=sources, base_url=cfg["BASE_URL"],
                              zone=ZoneInfo(zone))

    def address(email: str, subscriber_id: int) -> Addressing:
        return render.addressing(email, subscriber_id, sender=cfg["MAIL_FROM"], base_url=cfg["BASE_URL"],
                                 secret=key)

    return Sender(engine, transport(), prepare, address, domain=urlsplit(cfg["BASE_URL"]).hostname or "localhost",
                  run=run, rate=cfg["SEND_RATE"], signer=signer())
