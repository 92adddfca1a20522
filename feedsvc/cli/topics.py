"""The topics command: classify JSON Lines with the current topics file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..context import load_sources, load_taxonomy
from ..errors import IngestError
from ..topics import requests


@click.command("classify")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--explain", is_flag=True, help="Say which signals decided each topic.")
@with_appcontext
def classify_command(file: Path | None, explain: bool) -> None:
    """Print the topics of items given as JSON Lines in FILE (else on stdin), one JSON object a line.

    Each line has a title, and optionally lede, category, source (a sources-file slug), language,
    country (the source's, ISO 3166) and dateline (its place). Out comes the line plus "topics".
    """
    taxonomy, sources = load_taxonomy(), load_sources()
    where = str(file) if file else "<stdin>"
    failed = 0
    with (file.open(encoding="utf-8") if file else sys.stdin) as lines:
        for _, got in requests.read(lines):
            if isinstance(got, IngestError):
                click.echo(f"error: {got.at(where)}", err=True)
                failed += 1
                continue
            click.echo(json.dumps(requests.answer(got, taxonomy, sources, explain=explain), ensure_ascii=False))
    if failed:
        sys.exit(1)
