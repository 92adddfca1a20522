"""The corpus and database commands: ingest, parse, reclassify, upgrade-db, rotate-secret-key."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine

from ..context import corpus_dir, load_sources, load_taxonomy
from ..errors import FeedsvcError
from ..feeds import websub
from ..ingest import files, meta, reclassify, run
from ..store import db, runs, secrets
from ..store.engine import writing
from .options import NOW, aware, errors_to_exit


def run_counts(summary: run.Summary) -> dict[str, int]:
    """An ingest run's figures by the names the store and the logs give them."""
    c = summary.counts
    return {"files_read": summary.files_read, "files_unchanged": summary.files_unchanged,
            "files_failed": len({f.path for f in summary.failures}), "articles_new": c.articles_new,
            "articles_updated": c.articles_updated, "articles_unchanged": c.articles_unchanged,
            "headlines_new": c.headlines_new, "headlines_known": c.headlines_known}


def ingest(engine: Engine, targets: list[Path], progress: Callable[[int, int], None] | None = None, *,
           origin: str = "cli") -> tuple[run.Summary, str | None, list[str]]:
    """Run the ingest job with this app's settings, remember the run in the store, then announce the feeds
    it changed to the WebSub hub.

    Returns the summary, a line saying what was announced (None when nothing was), and the hub's problems.
    """
    cfg = current_app.config["FEEDSVC"]
    started = datetime.now(UTC)
    summary = run.ingest(engine, targets, sources=load_sources(), taxonomy=load_taxonomy(),
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


@click.command("ingest")
@with_appcontext
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@errors_to_exit
def ingest_command(paths: tuple[Path, ...]) -> None:
    """Ingest page texts (*.txt) and JSON Lines (*.jsonl) from PATHS (default: the corpus folder)."""
    engine = db.get_engine()
    db.upgrade(engine)
    with click.progressbar(length=0, label="ingesting", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        summary, announced, problems = ingest(engine, list(paths) or [corpus_dir()], progress)
    for line in [*summary.lines(), *filter(None, [announced])]:
        click.echo(line)
    for problem in problems:
        click.echo(problem, err=True)
    if summary.failures:
        sys.exit(1)


@click.command("parse")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction as JSON.")
@click.option("--explain", is_flag=True, help="Print every line with the role it got and why.")
@click.option("--now", type=NOW,
              help="Capture time for relative dates (default: the file's modification time).")
@errors_to_exit
def parse_command(file: Path, as_json: bool, explain: bool, now: datetime | None) -> None:
    """Show what would be extracted from one page, without storing anything."""
    cfg = current_app.config["FEEDSVC"]
    data = file.read_bytes()
    captured = aware(now) if now else datetime.fromtimestamp(file.stat().st_mtime, UTC)
    if explain:
        for line in files.explain_file(file, data, sources=load_sources(), max_bytes=cfg["MAX_FILE_BYTES"],
                                       captured=captured, page_meta=meta.read(file)):
            click.echo(line)
        return
    page = files.parse_file(file, data, sources=load_sources(), taxonomy=load_taxonomy(),
                            max_bytes=cfg["MAX_FILE_BYTES"], captured=captured, page_meta=meta.read(file))
    if as_json:
        click.echo(json.dumps(page, ensure_ascii=False, indent=2))
        return
    click.echo(f"title: {page['title']}\npublished: {page['published']} ({page['published_precision']})")
    click.echo(f"topics: {', '.join(page['topics'])}\nnews line: {len(page['newsline'])} headlines")
    for warning in page["warnings"]:
        click.echo(f"warning: {warning}")


@click.command("reclassify")
@with_appcontext
@errors_to_exit
def reclassify_command() -> None:
    """Re-tag every stored item with the current topics file."""
    engine = db.get_engine()
    db.upgrade(engine)
    changed = reclassify.reclassify(engine, load_taxonomy(fresh=True), load_sources())
    click.echo(f"reclassified: {changed} items changed topics")


@click.command("upgrade-db")
@with_appcontext
@errors_to_exit
def upgrade_db_command() -> None:
    """Create the store, or upgrade it to the newest schema keeping its data."""
    engine = db.get_engine()
    db.upgrade(engine)
    click.echo(f"schema at revision {db.current_revision(engine)}")


@click.command("rotate-secret-key")
@with_appcontext
@errors_to_exit
def rotate_secret_key_command() -> None:
    """Replace the generated signing key in the store (restart the web and clock processes after)."""
    if current_app.config["FEEDSVC"]["SECRET_KEY"]:
        raise FeedsvcError("FEEDSVC_SECRET_KEY is set, so the stored key is not used: change that value instead")
    engine = db.get_engine()
    db.upgrade(engine)
    secrets.replace(engine)
    click.echo("new signing key stored; restart the web and clock processes. Links in e-mails already sent "
               "(unsubscribe, preferences, confirmation) and open forms no longer work.")
