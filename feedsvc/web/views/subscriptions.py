"""Unsubscribing: one click by POST (RFC 8058), honoured at once; a GET only shows the button."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request

from ... import urls
from ...context import setting
from ...errors import NotFound
from ...store import db
from ...store import subscribers as store
from ...store.engine import writing
from ...subscribers import tokens

bp = Blueprint("subscriptions", __name__)


def _subscriber_id(token: str) -> int:
    found = tokens.read(setting("SECRET_KEY"), tokens.UNSUBSCRIBE, token)
    if found is None:
        raise NotFound("This unsubscribe link is not one of ours, or it was cut short. "
                       "Copy the whole link from the e-mail, or reply to it.")
    return found


@bp.get(urls.UNSUBSCRIBE)
def unsubscribe_page(token: str) -> Response:
    """A page with the button; link scanners that follow the link change nothing."""
    with db.get_engine().connect() as conn:
        sub = store.by_id(conn, _subscriber_id(token))
    html = render_template("unsubscribe.html", token=token, done=False, email=sub.email if sub else None)
    return Response(html, content_type="text/html; charset=utf-8")


@bp.post(urls.UNSUBSCRIBE)
def unsubscribe(token: str) -> Response:
    """Unsubscribe at once: from the page's button, or a mail client's one-click POST (no login, no CSRF
    token: the signed link is the authority, and RFC 8058 clients send nothing else)."""
    subscriber_id = _subscriber_id(token)
    with writing(db.get_engine()) as conn:
        store.set_status(conn, subscriber_id, "unsubscribed", datetime.now(UTC))
        sub = store.by_id(conn, subscriber_id)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    html = render_template("unsubscribe.html", token=token, done=True, one_click=one_click,
                           email=sub.email if sub else None)
    return Response(html, content_type="text/html; charset=utf-8")
