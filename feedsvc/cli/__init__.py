"""Command line, one module per group: ingest (corpus and database), digest, subscribers, scheduler,
topics (classify).

The same commands run as ``flask --app feedsvc ...`` and as the ``feedsvc`` console script, whose help lists
feedsvc's own commands only (not the ones Flask extensions add to ``flask``).
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import ScriptInfo, load_dotenv

from ..errors import FeedsvcError
from . import digest, ingest, scheduler, subscribers, topics

COMMANDS: tuple[click.Command, ...] = (
    ingest.ingest_command, ingest.parse_command, ingest.reclassify_command, ingest.upgrade_db_command,
    ingest.rotate_secret_key_command, digest.digest_group, subscribers.subscribers_group, scheduler.scheduler_command, topics.classify_command,
)


def init_app(app: Flask) -> None:
    """Attach every feedsvc command to the app's ``flask`` CLI."""
    for command in COMMANDS:
        app.cli.add_command(command)


@click.group(commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="feedsvc", message="%(prog)s %(version)s")
def feedsvc_group() -> None:
    """feedsvc: a self-hosted news feed server and newsletter digest generator.

    Settings come from FEEDSVC_* environment variables and a .env file; serve the web with gunicorn
    (see the Procfile) or `flask --app feedsvc run`.
    """


def main() -> None:
    """The ``feedsvc`` console script: the commands with this package's app, as ``flask --app feedsvc``."""
    from .. import create_app

    load_dotenv()
    try:
        feedsvc_group(obj=ScriptInfo(create_app=create_app))
    except FeedsvcError as exc:  # a bad setting, found while building the app for a command
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
