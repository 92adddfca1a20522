"""Flask CLI for subscribers: list, add, remove, export, import."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..context import load_taxonomy
from ..errors import InvalidField
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


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a leading quote."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@subscribers_group.command("export")
@with_appcontext
@errors_to_exit
def export_command() -> None:
    """Every subscriber as CSV on standard output."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["email", "status", "topics", "hour", "zone"])
    with db.get_engine().connect() as conn:
        for s in store.all_(conn):
            out.writerow([_cell(v) for v in (s.email, s.status, " ".join(s.topics), s.hour, s.zone)])


COLUMNS = ("email", "status", "topics", "hour", "zone")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@", "'\t", "'\r")  # how an export may quote cells a spreadsheet would run


def _field(raw: str | None) -> str:
    """A cell as written before export quoted it."""
    value = raw or ""
    return value[1:] if value.startswith(_FORMULA_GUARD) else value


def _imported(row: dict[str, str | None], known: tuple[str, ...],
              confirmed: bool) -> tuple[str, subscription.Preferences, str]:
    """The address, preferences and state one CSV row stands for; InvalidField naming what is wrong."""
    email = subscription.normalise_email(_field(row.get("email")))
    wanted = subscription.preferences(_field(row.get("topics")).split(), _field(row.get("hour")),
                                      _field(row.get("zone")), known=known)
    given = _field(row.get("status"))
    if given not in store.STATUSES:
        raise InvalidField("status", f"{given!r} is not one of {', '.join(store.STATUSES)}")
    # Nobody is mailed before they confirm: without --confirmed, readers come in pending (they confirm by
    # subscribing again on the site); someone who unsubscribed stays unsubscribed either way.
    status = given if confirmed or given == "unsubscribed" else "pending"
    return email, wanted, status


@subscribers_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--confirmed", is_flag=True,
              help="Keep each reader's state from the file (active readers get digests); otherwise they come in "
                   "pending and get nothing until they confirm.")
@with_appcontext
@errors_to_exit
def import_command(file: Path, confirmed: bool) -> None:
    """Add the subscribers of a CSV file as `subscribers export` writes it; addresses already here are kept
    as they are. Sends no e-mail."""
    known = load_taxonomy().slugs
    engine = db.get_engine()
    db.upgrade(engine)
    added = kept = 0
    problems: list[str] = []
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise click.BadParameter(f"{file}: no column {', '.join(missing)} (expected {','.join(COLUMNS)})",
                                     param_hint="FILE")
        with writing(engine) as conn:
            for row in reader:
                try:
                    email, wanted, status = _imported(row, known, confirmed)
                except InvalidField as exc:
                    problems.append(f"{file}:{reader.line_num}: {exc.field}: {exc.message}")
                    continue
                if store.by_email(conn, email) is not None:
                    kept += 1
                    continue
                store.upsert(conn, email=email, topics=wanted.topics, hour=wanted.hour, zone=wanted.zone,
                             status=status, now=datetime.now(UTC))
                added += 1
    click.echo(f"imported {added} subscribers ({'states as in the file' if confirmed else 'pending until they confirm'}),"
               f" {kept} already here and kept, {len(problems)} lines refused")
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
