"""Web edge: blueprints, security headers and error pages."""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from ..errors import DeliveryError, FeedsvcError, NotFound
from ..store import db
from . import fastpath
from .views import feeds, pages, subscribe, subscriptions

csrf = CSRFProtect()

CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _error_page(status: int, title: str, message: str) -> Response:
    html = render_template("error.html", status=status, title=title, message=message)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, CSRFError):
        return _error_page(400, "Form expired", "This form is too old or came from another site. "
                           "Go back, reload the page and send it again.")
    if exc.code == 429:
        wait = subscribe.retry_after()
        response = _error_page(429, "Too many attempts", "The subscribe form was sent too many times in a short "
                               "while, from your connection or for this address, so this one was not sent: "
                               "the pause keeps inboxes from being flooded. Please try again in "
                               f"{_wait(wait)}.")
        response.headers["Retry-After"] = str(wait)
        return response
    return _error_page(exc.code or 500, exc.name, exc.description or "")


def _wait(seconds: int) -> str:
    """"45 seconds", "about 3 minutes", "about 2 hours"."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600)} hours"


def _feedsvc_error(exc: FeedsvcError) -> Response:
    if isinstance(exc, NotFound):
        return _error_page(404, "Not found", str(exc))
    if isinstance(exc, DeliveryError):
        current_app.logger.error("mail: %s", exc)
        return _error_page(503, "Could not send e-mail", "The confirmation e-mail could not be sent just now. "
                           "Please try again in a few minutes.")
    return _error_page(500, "Server error", "The server could not complete the request.")


def _schema_current() -> Response | None:
    """Create the schema of an empty database; for an older schema, answer 503 saying how to upgrade it.

    Creating tables where there are none loses nothing, so a first ``flask run`` just works; upgrading a
    database that holds data is left to ``upgrade-db``, run on purpose.
    """
    app = current_app
    if app.extensions.get("feedsvc.schema_ok"):
        return None
    engine = db.get_engine()
    current, head = db.current_revision(engine), db.head_revision()
    if current is None:
        try:
            db.upgrade(engine)
        except DBAPIError:  # another process created it at the same moment
            pass
        current = db.current_revision(engine)
    if current == head:
        app.extensions["feedsvc.schema_ok"] = True
        return None
    message = (f"The database schema is at revision {current or 'none'}, and this version of feedsvc needs "
               f"{head}. Run: flask --app feedsvc upgrade-db")
    return _error_page(503, "Database needs upgrading", message)


def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(subscriptions.bp)
    subscribe.init_app(app)
    csrf.init_app(app)
    # Mail clients' one-click unsubscribe (RFC 8058) sends no token: the signed link is the authority.
    csrf.exempt(subscriptions.unsubscribe)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_SECURE", app.config["FEEDSVC"]["BASE_URL"].startswith("https://"))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(FeedsvcError, _feedsvc_error)
    app.before_request(_schema_current)
    app.after_request(_security_headers)
    fastpath.init_app(app)
