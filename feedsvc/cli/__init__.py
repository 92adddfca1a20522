"""Flask CLI commands, one module per group: ingest (corpus and database), digest, subscribers, scheduler."""

from __future__ import annotations

from flask import Flask

from . import digest, ingest, scheduler, subscribers


def init_app(app: Flask) -> None:
    """Attach every feedsvc command to the app's ``flask`` CLI."""
    for command in (ingest.ingest_command, ingest.parse_command, ingest.reclassify_command,
                    ingest.upgrade_db_command, ingest.rotate_secret_key_command, digest.digest_group, subscribers.subscribers_group,
                    scheduler.scheduler_command):
        app.cli.add_command(command)
