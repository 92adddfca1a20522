"""Web edge: Flask views and error pages."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from werkzeug.exceptions import HTTPException

from .context import load_taxonomy
from .errors import FeedsvcError, NotFound
from .store import db, queries

site = Blueprint("site", __name__)
HOME_ITEMS = 10


@site.get("/")
def index() -> Response:
    """Topics with their latest items, and what the store holds."""
    taxonomy = load_taxonomy()
    with db.get_engine().connect() as conn:
        sections = [(t, queries.latest_in_topic(conn, t.slug, HOME_ITEMS)) for t in taxonomy.topics]
        stats = queries.stats(conn)
    html = render_template("index.html", sections=sections, stats=stats)
    return Response(html, content_type="text/html; charset=utf-8")


def _error_page(status: int, title: str, message: str) -> Response:
    html = render_template("error.html", status=status, title=title, message=message)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _http_error(exc: HTTPException) -> Response:
    return _error_page(exc.code or 500, exc.name, exc.description or "")


def _feedsvc_error(exc: FeedsvcError) -> Response:
    if isinstance(exc, NotFound):
        return _error_page(404, "Not found", str(exc))
    return _error_page(500, "Server error", "The server could not complete the request.")


def init_app(app: Flask) -> None:
    app.register_blueprint(site)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(FeedsvcError, _feedsvc_error)
