"""Web edge: blueprints, security headers and error pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import urls
from ..context import secret_key
from ..errors import DeliveryError, FeedsvcError, NotFound
from ..store import db
from ..store.engine import Unavailable, unavailable
from . import fastpath
from .views import admin, feeds, ops, pages, subscribe, subscriptions

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

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
        given = dict(exc.get_headers() or []).get("Retry-After")  # the inbox count says when, the limiter knows
        wait = int(given) if given else subscribe.retry_after()
        response = _error_page(429, "Too many attempts", "The subscribe form was sent too many times in a short "
                               "while, from your connection or for this address, so this one was not sent: "
                               "the pause keeps inboxes from being flooded. Please try again in "
                               f"{_wait(wait)}.")
        response.headers["Retry-After"] = str(wait)
        return response
    response = _error_page(exc.code or 500, exc.name, exc.description or "")
    # The error's own headers, such as Allow of a 405, go with the page.
    response.headers.update({k: v for k, v in (exc.get_headers() or []) if k.lower() != "content-type"})
    return response


def _wait(seconds: int) -> str:
    """"45 seconds", "about 3 minutes", "about 2 hours"."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600)} hours"


def _store_unavailable(exc: Unavailable) -> Response:
    """The database is down, or busy past the wait for its lock: try again soon, not a server fault."""
    if not unavailable(exc):
        current_app.logger.error("store: %s", exc.orig)
        return _error_page(500, "Server error", "The server could not complete the request.")
    current_app.logger.error("store: %s", exc.orig)
    response = _error_page(503, "Temporarily unavailable", "The site's database is busy or unreachable just now. "
                           "Please try again in a minute.")
    response.headers["Retry-After"] = "30"
    return response


def _feedsvc_error(exc: FeedsvcError) -> Response:
    if isinstance(exc, NotFound):
        return _error_page(404, "Not found", str(exc))
    if isinstance(exc, DeliveryError):
        current_app.logger.error("mail: %s", exc)
        return _error_page(503, "Could not send e-mail", "The confirmation e-mail could not be sent just now. "
                           "Please try again in a few minutes.")
    return _error_page(500, "Server error", "The server could not complete the request.")


# Addresses that answer without the store: probes must work while the database is away.
STORELESS = ("/healthz", "/readyz", "/favicon.ico", "/robots.txt", "/static/")


def _prepare(app: Flask) -> str | None:
    """Once per process: a current schema (an empty database gets it) and the signing key read from the
    store. None when done; otherwise what is wrong with the schema."""
    if app.extensions.get("feedsvc.store_ready"):
        return None
    problem = db.schema_problem(db.get_engine())
    if problem:
        return problem
    secret_key()
    app.extensions["feedsvc.store_ready"] = True
    return None


def _key_before_session(app: Flask) -> WSGIApplication:
    """The app, reading the signing key before Flask opens the session of a process's first request (a
    session opened without a key cannot be saved)."""
    inner = app.wsgi_app

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not app.extensions.get("feedsvc.store_ready") and not environ.get("PATH_INFO", "").startswith(STORELESS):
            with app.app_context():
                try:
                    _prepare(app)
                except (DBAPIError, FeedsvcError):  # the request itself reports what is wrong with the store
                    pass
        return inner(environ, start_response)

    return wsgi


def _store_ready() -> Response | None:
    """Before a request that uses the store: 503 saying how to upgrade a schema that is behind."""
    if request.path.startswith(STORELESS):
        return None
    problem = _prepare(current_app)
    return _error_page(503, "Database needs upgrading", problem) if problem else None


def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["urls"] = urls  # templates link through the one URL module
    app.before_request(_store_ready)  # before CSRF's check, which needs the key
    app.register_blueprint(ops.bp)
    if app.config["FEEDSVC"]["ADMIN_PASSWORD"]:
        app.register_blueprint(admin.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(subscriptions.bp)
    subscribe.init_app(app)
    csrf.init_app(app)
    # Mail clients' one-click unsubscribe (RFC 8058) sends no token: the signed link is the authority.
    csrf.exempt(subscriptions.unsubscribe)
    # Flask's own defaults (None, False) are replaced, not kept: setdefault would never apply.
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if not app.config.get("SESSION_COOKIE_SECURE"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["FEEDSVC"]["BASE_URL"].startswith("https://")
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(FeedsvcError, _feedsvc_error)
    app.register_error_handler(Unavailable, _store_unavailable)
    app.after_request(_security_headers)
    app.wsgi_app = _key_before_session(app)  # type: ignore[method-assign,assignment]
    fastpath.init_app(app)  # outside: a cached feed needs neither the store nor the key
    proxies = app.config["FEEDSVC"]["TRUSTED_PROXIES"]
    if proxies:  # the client address is the one the nearest trusted proxy saw, not what the client wrote
        # (outside the fast path too, so the access log names the client of every request)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
