"""The operator's status page, ``/admin``: behind HTTP Basic, only when FEEDSVC_ADMIN_PASSWORD is set."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request

from ... import __version__
from ...context import load_taxonomy, setting
from ...store import db, runs, status
from ..chart import daily_bars

bp = Blueprint("admin", __name__)
USER = "admin"
SPAN_DAYS = 30
STATUSES = ("pending", "active", "paused", "unsubscribed")
DELIVERY_STATES = ("queued", "handed", "retry", "sent", "failed", "unknown", "cancelled")
# Stricter than the site's: the page runs no script at all and submits nothing.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")


def _authorised() -> bool:
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return False
    given = f"{auth.username or ''}:{auth.password or ''}".encode()
    return hmac.compare_digest(given, f"{USER}:{setting('ADMIN_PASSWORD')}".encode())


@bp.before_request
def _basic_auth() -> Response | None:
    if _authorised():
        return None
    response = Response("The status page needs the operator's password.\n", status=401,
                        content_type="text/plain; charset=utf-8")
    response.headers["WWW-Authenticate"] = 'Basic realm="feedsvc status", charset="UTF-8"'
    return response


@bp.get("/admin")
def status_page() -> Response:
    """What the service did: ingest runs, failures, items per day, digests, subscribers, delivery errors."""
    now = datetime.now(UTC)
    zone = ZoneInfo(setting("DIGEST_TIMEZONE"))
    days = status.days(now.astimezone(zone).date(), SPAN_DAYS)
    taxonomy = load_taxonomy()
    with db.get_engine().connect() as conn:
        last_runs = runs.latest(conn)
        failed = status.failed_files(conn)
        per_day = status.items_per_topic_day(conn, now=now, zone=zone, span=SPAN_DAYS)
        digest_days = status.digest_days(conn, since=days[0].isoformat())
        people = status.subscribers_by_status(conn)
        errors = status.delivery_errors(conn)
    chart = daily_bars(per_day, [(t.slug, t.title) for t in taxonomy.topics], days)
    html = render_template("admin.html", runs=last_runs, failed=failed, chart=chart, digests=digest_days,
                           people=people, statuses=STATUSES, delivery_states=DELIVERY_STATES, errors=errors,
                           zone=zone.key, now=now, version=__version__)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers.update({"Content-Security-Policy": CSP, "Cache-Control": "no-store"})
    return response
