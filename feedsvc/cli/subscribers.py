"""Flask CLI for subscribers: list, add, remove, export."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from ..context import load_taxonomy
from ..store import db
from ..store import subscribers as store
from ..store.engine import writing
from ..subscribers import subscription
from .options import errors_to_exit


@click.group("subscribers")
def subscribers_group() -> None:
    """Manage digest subscribers."""


@subscribers_group.command("add")
@click.argument("email")
@click.option("--topic", "topics", multiple=True, default=("all",), show_default=True,
              help="A topic slug; repeat for several.")
@click.option("--hour", type=click.IntRange(0, 23), default=7, show_default=True, help="Local delivery hour.")
@click.option("--zone", default="UTC", show_default=True, help="The subscriber's IANA time zone.")
@with_appcontext
@errors_to_exit
def add_command(email: str, topics: tuple[str, ...], hour: int, zone: str) -> None:
    """Add (or update) a confirmed subscriber: for an operator, without the opt-in e-mail."""
    address = subscription.normalise_email(email)
    wanted = subscription.preferences(topics, hour, zone, known=load_taxonomy().slugs)
    engine = db.get_engine()
    db.upgrade(engine)
    with writing(engine) as conn:
        sub = store.upsert(conn, email=address, topics=wanted.topics, hour=wanted.hour, zone=wanted.zone,
                           status="active", now=datetime.now(UTC))
    click.echo(f"subscribed {sub.email}: {', '.join(sub.topics)} at {sub.hour:02d}:00 {sub.zone}")


@subscribers_group.command("list")
@click.option("--status", type=click.Choice(store.STATUSES), help="Only subscribers in this state.")
@with_appcontext
@errors_to_exit
def list_command(status: str | None) -> None:
    """One line per subscriber."""
    with db.get_engine().connect() as conn:
        for s in store.all_(conn, status):
            click.echo(f"{s.email}\t{s.status}\t{','.join(s.topics)}\t{s.hour:02d}:00\t{s.zone}")


@subscribers_group.command("remove")
@click.argument("email")
@with_appcontext
@errors_to_exit
def remove_command(email: str) -> None:
    """Unsubscribe an address at once."""
    address = subscription.normalise_email(email)
    with writing(db.get_engine()) as conn:
        found = store.by_email(conn, address)
        if found is None:
            raise click.BadParameter(f"{address} is not a subscriber", param_hint="EMAIL")
        store.set_status(conn, found.id, "unsubscribed", datetime.now(UTC))
    click.echo(f"unsubscribed {address}")


@subscribers_group.command("export")
@with_appcontext
@errors_to_exit
def export_command() -> None:
    """Every subscriber as CSV on standard output."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["email", "status", "topics", "hour", "zone"])
    with db.get_engine().connect() as conn:
        for s in store.all_(conn):
            out.writerow([s.email, s.status, " ".join(s.topics), s.hour, s.zone])
