"""Subscribing with double opt-in, and a reader's preferences page.

- ``POST /subscribe`` checks the form and mails a signed confirmation link that expires; the page it shows
  is the same whether or not the address is already subscribed, so it discloses nothing. Limited per client
  and per address (FEEDSVC_SUBSCRIBE_LIMITS), so nobody can flood an inbox.
- The link confirms only by POST from the page it opens: mail scanners that follow links confirm nothing.
- ``/preferences/<token>``, signed per reader and linked from every digest: topics, hour, zone, pause.

Forms carry CSRF tokens (Flask-WTF); the confirmation and preferences links are the reader's authority.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import available_timezones

from flask import Blueprint, Response, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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


def _address_key() -> str:
    """Rate-limit key for the address being subscribed, so one inbox cannot be flooded from many clients."""
    try:
        return "address:" + subscription.normalise_email(request.form.get("email", ""))
    except InvalidField:
        return "address:invalid"


@bp.get("/subscribe")
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
    token = tokens.make_expiring(setting("SECRET_KEY"), tokens.CONFIRM,
                                 {"e": email, "t": list(wanted.topics), "h": wanted.hour, "z": wanted.zone})
    _send_confirmation(email, f"{setting('BASE_URL')}/subscribe/confirm/{token}")
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


def _confirmation(token: str) -> dict[str, Any]:
    payload = tokens.read_expiring(setting("SECRET_KEY"), tokens.CONFIRM, token,
                                   max_age=setting("CONFIRM_HOURS") * 3600)
    if payload == tokens.EXPIRED:
        raise NotFound("This confirmation link has expired. Subscribe again to get a new one.")
    if not isinstance(payload, dict):
        raise NotFound("This confirmation link is not one of ours, or it was cut short. Copy the whole link.")
    return payload


@bp.get("/subscribe/confirm/<token>")
def confirm_page(token: str) -> Response:
    """A page with the button: following the link alone confirms nothing."""
    payload = _confirmation(token)
    return _html("subscribe.html", stage="confirm", token=token, email=payload["e"], wanted=payload)


@bp.post("/subscribe/confirm/<token>")
def confirm(token: str) -> Response:
    payload = _confirmation(token)
    wanted = subscription.preferences(payload["t"], payload["h"], payload["z"], known=load_taxonomy().slugs)
    with writing(db.get_engine()) as conn:
        sub = store.upsert(conn, email=payload["e"], topics=wanted.topics, hour=wanted.hour, zone=wanted.zone,
                           status="active", now=datetime.now(UTC))
    link = tokens.make(setting("SECRET_KEY"), tokens.PREFERENCES, sub.id)
    return _html("subscribe.html", stage="confirmed", sub=sub, preferences=f"/preferences/{link}")


def _reader(token: str) -> store.Subscriber:
    found = tokens.read(setting("SECRET_KEY"), tokens.PREFERENCES, token)
    sub = None
    if found is not None:
        with db.get_engine().connect() as conn:
            sub = store.by_id(conn, found)
    if sub is None:
        raise NotFound("This preferences link is not one of ours, or it was cut short. Use the one in a digest.")
    return sub


@bp.get("/preferences/<token>")
def preferences_page(token: str) -> Response:
    sub = _reader(token)
    form = {"topics": list(sub.topics), "hour": sub.hour, "zone": sub.zone, "status": sub.status}
    return _html("preferences.html", sub=sub, token=token, form=form, errors={}, saved=False)


@bp.post("/preferences/<token>")
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
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["FEEDSVC"]["RATELIMIT_STORAGE"],
                      headers_enabled=True)
    app.extensions["feedsvc.limiter"] = limiter
    limits = app.config["FEEDSVC"]["SUBSCRIBE_LIMITS"]
    per_client = limiter.limit(limits)
    per_address = limiter.limit(limits, key_func=_address_key)
    app.register_blueprint(bp)
    app.add_url_rule("/subscribe", "subscribe.subscribe", per_client(per_address(subscribe)), methods=["POST"])
