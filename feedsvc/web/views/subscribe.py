"""Subscribing with double opt-in, and a reader's preferences page.

- ``POST /subscribe`` checks the form and mails a signed confirmation link that expires; the page it shows
  is the same whether or not the address is already subscribed, so it discloses nothing. Limited per client
  (IPv6 per /64) and, counted in the store for every process at once, in mails per inbox (``victim+1@`` is
  ``victim@``), both by FEEDSVC_SUBSCRIBE_LIMITS, so nobody can flood an inbox.
- The link confirms only by POST from the page it opens: mail scanners that follow links confirm nothing.
- ``/preferences/<token>``, signed per reader and linked from every digest: topics, hour, zone, pause.

Forms carry CSRF tokens (Flask-WTF); the confirmation and preferences links are the reader's authority.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from flask import Blueprint, Response, current_app, render_template, request
from flask_limiter import Limiter
from limits import parse_many
from sqlalchemy import Connection
from werkzeug.exceptions import TooManyRequests

from ... import urls
from ...context import load_taxonomy, setting
from ...errors import DeliveryError, InvalidField, NotFound
from ...mail import render
from ...mail.configured import signer, transport
from ...mail.transport import Envelope
from ...store import db
from ...store import subscribers as store
from ...store.engine import writing
from ...subscribers import subscription, tokens

bp = Blueprint("subscribe", __name__)
ZONES = sorted(available_timezones() - {"localtime", "Factory"})


def _html(template: str, status: int = 200, **context: Any) -> Response:
    page = render_template(template, topics=load_taxonomy().topics, zones=ZONES, **context)
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _form_preferences() -> subscription.Preferences:
    return subscription.preferences(request.form.getlist("topics"), request.form.get("hour", ""),
                                    request.form.get("zone", ""), known=load_taxonomy().slugs)


def _client_key() -> str:
    """Rate-limit key of the client: its address (from X-Forwarded-For only behind FEEDSVC_TRUSTED_PROXIES),
    an IPv6 one by its /64, which one household or server holds whole."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip)


def _count_mail_to(email: str) -> None:
    """Count a confirmation mail to this inbox in the store, or refuse with 429 when its limits are used up."""
    windows = [(item.amount, timedelta(seconds=item.get_expiry())) for item in parse_many(setting("SUBSCRIBE_LIMITS"))]
    with writing(db.get_engine()) as conn:
        wait = store.take_confirmation(conn, subscription.mailbox_key(email), datetime.now(UTC), windows)
    if wait is not None:
        raise TooManyRequests("Too many confirmation e-mails to this address. Try again later.",
                              retry_after=int(wait.total_seconds()) + 1)


@bp.get(urls.SUBSCRIBE)
def subscribe_form() -> Response:
    return _html("subscribe.html", stage="form", form={"topics": ["all"], "hour": 7, "zone": ""}, errors={})


def subscribe() -> Response:
    """POST /subscribe, rate-limited by ``init_app``."""
    form: dict[str, Any] = {"email": request.form.get("email", ""), "topics": request.form.getlist("topics"),
            "hour": request.form.get("hour", ""), "zone": request.form.get("zone", "")}
    try:
        email = subscription.normalise_email(form["email"])
        wanted = _form_preferences()
    except InvalidField as exc:
        return _html("subscribe.html", 400, stage="form", form=form, errors={exc.field: exc.message})
    _count_mail_to(email)
    token = tokens.make_expiring(setting("SECRET_KEY"), tokens.CONFIRM,
                                 {"e": email, "t": list(wanted.topics), "h": wanted.hour, "z": wanted.zone})
    _send_confirmation(email, urls.confirm(token, setting("BASE_URL")))
    return _html("subscribe.html", stage="sent", email=email)


def _send_confirmation(email: str, link: str) -> None:
    message = render.confirmation_email(email, link, sender=setting("MAIL_FROM"), base_url=setting("BASE_URL"),
                                        hours=setting("CONFIRM_HOURS"))
    data = message.as_bytes()
    dkim = signer()
    if dkim is not None:
        data = dkim.sign(data)
    mail = transport()
    try:
        outcome = mail.send(Envelope(render.bare_address(setting("MAIL_FROM")), email, message["Message-ID"]),
                            data, lambda: True)
    finally:
        mail.close()
    if outcome.status != "sent":
        raise DeliveryError(f"confirmation to {email}: {outcome.status} {outcome.reply}".strip())


def _confirmation(token: str, conn: Connection) -> dict[str, Any]:
    """The wanted subscription; NotFound when the link is not ours, has expired, or was used (the reader's
    subscription changed after it was sent: confirmed with it, or unsubscribed since)."""
    issued = tokens.read_expiring(setting("SECRET_KEY"), tokens.CONFIRM, token,
                                  max_age=setting("CONFIRM_HOURS") * 3600)
    if issued is tokens.EXPIRED:
        raise NotFound("This confirmation link has expired. Subscribe again to get a new one.")
    if not isinstance(issued, tokens.Issued) or not isinstance(issued.payload, dict):
        raise NotFound("This confirmation link is not one of ours, or it was cut short. Copy the whole link.")
    if store.changed_since(conn, issued.payload["e"], issued.at):
        raise NotFound("This confirmation link has been used already. Subscribe again to get a new one.")
    return issued.payload


@bp.get(urls.CONFIRM)
def confirm_page(token: str) -> Response:
    """A page with the button: following the link alone confirms nothing."""
    with db.get_engine().connect() as conn:
        payload = _confirmation(token, conn)
    return _html("subscribe.html", stage="confirm", token=token, email=payload["e"], wanted=payload)


@bp.post(urls.CONFIRM)
def confirm(token: str) -> Response:
    with writing(db.get_engine()) as conn:  # checked and used in one transaction: a link confirms once
        payload = _confirmation(token, conn)
        wanted = subscription.preferences(payload["t"], payload["h"], payload["z"], known=load_taxonomy().slugs)
        sub = store.upsert(conn, email=payload["e"], topics=wanted.topics, hour=wanted.hour, zone=wanted.zone,
                           status="active", now=datetime.now(UTC))
    link = tokens.make(setting("SECRET_KEY"), tokens.PREFERENCES, sub.id)
    return _html("subscribe.html", stage="confirmed", sub=sub, preferences=urls.preferences(link))


def _reader(token: str) -> store.Subscriber:
    found = tokens.read(setting("SECRET_KEY"), tokens.PREFERENCES, token)
    sub = None
    if found is not None:
        with db.get_engine().connect() as conn:
            sub = store.by_id(conn, found)
    if sub is None:
        raise NotFound("This preferences link is not one of ours, or it was cut short. Use the one in a digest.")
    return sub


@bp.get(urls.PREFERENCES)
def preferences_page(token: str) -> Response:
    sub = _reader(token)
    form = {"topics": list(sub.topics), "hour": sub.hour, "zone": sub.zone, "status": sub.status}
    return _html("preferences.html", sub=sub, token=token, form=form, errors={}, saved=False)


@bp.post(urls.PREFERENCES)
def save_preferences(token: str) -> Response:
    sub = _reader(token)
    status = "paused" if request.form.get("status") == "paused" else "active"
    form: dict[str, Any] = {"topics": request.form.getlist("topics"), "hour": request.form.get("hour", ""),
            "zone": request.form.get("zone", ""), "status": status}
    try:
        wanted = _form_preferences()
    except InvalidField as exc:
        return _html("preferences.html", 400, sub=sub, token=token, form=form, errors={exc.field: exc.message},
                     saved=False)
    with writing(db.get_engine()) as conn:
        sub = store.upsert(conn, email=sub.email, topics=wanted.topics, hour=wanted.hour, zone=wanted.zone,
                           status=status, now=datetime.now(UTC))
    form.update(topics=list(sub.topics), hour=sub.hour, zone=sub.zone)
    return _html("preferences.html", sub=sub, token=token, form=form, errors={}, saved=True)


def retry_after() -> int:
    """Seconds until the limit this request broke lets the form through again."""
    current = current_app.extensions["feedsvc.limiter"].current_limit
    return max(1, current.reset_at - int(time.time())) if current else 60


def init_app(app: Any) -> None:
    """Register the pages, with a limiter of this app's own (counters in FEEDSVC_RATELIMIT_STORAGE)."""
    limiter = Limiter(_client_key, app=app, storage_uri=app.config["FEEDSVC"]["RATELIMIT_STORAGE"],
                      headers_enabled=True)
    app.extensions["feedsvc.limiter"] = limiter
    limits = app.config["FEEDSVC"]["SUBSCRIBE_LIMITS"]
    app.register_blueprint(bp)
    app.add_url_rule(urls.SUBSCRIBE, "subscribe.subscribe", limiter.limit(limits)(subscribe), methods=["POST"])
