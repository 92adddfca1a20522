"""The digest commands: build, preview and send."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import urls
from ..context import load_sources, load_taxonomy
from ..digests import jobs
from ..errors import FeedsvcError
from ..mail import configured
from ..mail.render import Addressing, digest_email
from ..store import db, deliveries, queries
from ..store import digests as digest_store
from ..store.engine import writing
from .options import NOW, aware, errors_to_exit


@click.group("digest")
def digest_group() -> None:
    """Build, preview and send daily digests."""


def _day(_ctx: click.Context, _param: click.Parameter, value: str) -> datetime | str:
    if value == "latest":
        return value
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day as YYYY-MM-DD, or latest") from None


def _digest_args(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--topic", default="all", show_default=True,
                      help="A topic slug, or all: the one digest that mixes every topic.")(fn)
    return click.option("--date", "day", required=True, callback=_day,
                        help="The local calendar day, YYYY-MM-DD, or latest: the day of the newest item.")(fn)


def _latest_day() -> datetime:
    with db.get_engine().connect() as conn:
        newest = queries.newest_time(conn)
    if newest is None:
        raise click.BadParameter("the store holds no items yet; ingest first", param_hint="--date")
    zone = ZoneInfo(current_app.config["FEEDSVC"]["DIGEST_TIMEZONE"])
    return datetime.combine(newest.astimezone(zone).date(), datetime.min.time())


def _run_digest(topic: str, day: datetime | str, *, dry_run: bool) -> jobs.DigestRun:
    """Build (or, dry, just compute) one digest, after checking the topic and the schema."""
    taxonomy = load_taxonomy()
    if topic != "all" and taxonomy.get(topic) is None:
        raise click.BadParameter(f"no topic {topic!r}; known: all, {', '.join(taxonomy.slugs)}",
                                 param_hint="--topic")
    engine = db.get_engine()
    db.upgrade(engine)
    if isinstance(day, str):
        day = _latest_day()
    return jobs.build_digest(engine, taxonomy, topic=topic, day=day.date(),
                             zone=ZoneInfo(current_app.config["FEEDSVC"]["DIGEST_TIMEZONE"]),
                             now=datetime.now(UTC), dry_run=dry_run)


@digest_group.command("build")
@_digest_args
@click.option("--all-digests", is_flag=True,
              help="Build every digest of the day: each topic's own, and the mixed all-topics one (not --topic).")
@click.option("--every-topic", "every_topic", is_flag=True, hidden=True, help="Old name of --all-digests.")
@click.option("--dry-run", is_flag=True, help="Show what the digest would hold without storing it.")
@with_appcontext
@errors_to_exit
def digest_build_command(topic: str, day: datetime | str, all_digests: bool, every_topic: bool,
                         dry_run: bool) -> None:
    """Build and store a digest (an existing one is kept as it is)."""
    if every_topic:
        click.echo("note: --every-topic is now called --all-digests; the old name will go", err=True)
    for slug in ("all", *load_taxonomy().slugs) if all_digests or every_topic else (topic,):
        run = _run_digest(slug, day, dry_run=dry_run)
        d = run.record.digest
        verb = {"built": "built", "skipped": "skipped: no new items", "exists": "exists already"}[run.outcome]
        click.echo(f"digest {d.topic} {d.day}: {'(dry run) ' if dry_run else ''}{verb}, {d.story_count} stories "
                   f"from {d.item_count} items")


@digest_group.command("preview")
@_digest_args
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML here.")
@with_appcontext
@errors_to_exit
def digest_preview_command(topic: str, day: datetime | str, output: Path | None) -> None:
    """Render a digest's email as HTML, as a subscriber will see it: to a file, or opened in the browser."""
    run = _run_digest(topic, day, dry_run=True)
    base = current_app.config["FEEDSVC"]["BASE_URL"]
    sample = Addressing(sender="feedsvc <digest@example.invalid>", recipient="preview@example.invalid",
                        unsubscribe_url=urls.unsubscribe("preview", base),
                        unsubscribe_mailto="mailto:unsubscribe@example.invalid")
    message = digest_email(run.record, sample, taxonomy=load_taxonomy(), sources=load_sources(), base_url=base)
    body = message.get_body(preferencelist=("html",))
    if body is None:
        raise FeedsvcError(f"the digest e-mail of {topic} {day} has no HTML part")
    html = body.get_content()
    if output is None:
        handle, name = tempfile.mkstemp(suffix=".html")
        os.close(handle)
        output = Path(name)
    output.write_text(html, encoding="utf-8")
    click.echo(f"wrote {output}")
    if not current_app.testing and "--output" not in sys.argv:
        webbrowser.open(output.as_uri())


@digest_group.command("send")
@click.option("--topic", help="With --date: send this digest to all its readers now, whatever their hour.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The digest's day, YYYY-MM-DD.")
@click.option("--dry-run", is_flag=True, help="Count who would be sent what, and send nothing.")
@click.option("--resend-unknown", is_flag=True,
              help="First queue again the messages whose outcome is unknown (a sender died mid-message).")
@click.option("--now", type=NOW, help="The time to act at (default: now), e.g. to catch up a missed hour.")
@with_appcontext
@errors_to_exit
def digest_send_command(topic: str | None, day: datetime | None, dry_run: bool, resend_unknown: bool,
                        now: datetime | None) -> None:
    """Send built digests to the readers whose delivery hour has come (what the clock does each minute)."""
    if (topic is None) != (day is None):
        raise click.UsageError("--topic and --date go together")
    engine = db.get_engine()
    db.upgrade(engine)
    at = aware(now)
    sender = configured.sender(engine, uuid.uuid4().hex)
    only = None
    if topic is not None and day is not None:
        with engine.connect() as conn:
            found = digest_store.id_of(conn, topic, day.date().isoformat())
        if found is None:
            raise click.BadParameter(f"no digest {topic} {day.date()}; build it first with `digest build`",
                                     param_hint="--topic/--date")
        only = (found, topic, day.date().isoformat())
    if dry_run:
        count = sender.enqueue_now(*only, at, dry_run=True) if only else sender.enqueue_due(at, dry_run=True)[0]
        click.echo(f"(dry run) {count} messages would be queued now")
        return
    if resend_unknown:
        with writing(engine) as conn:
            click.echo(f"queued again: {deliveries.requeue_unknown(conn)} messages of unknown outcome")
    report = sender.run_once(at, only=only)
    for line in report.lines():
        click.echo(line)
    if report.stopped or report.outcomes["failed"] or report.outcomes["unknown"] \
            or report.outcomes["settled as unknown"]:
        sys.exit(1)
