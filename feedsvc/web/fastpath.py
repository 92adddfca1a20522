"""A WSGI layer in front of Flask that answers cached feed documents straight from the rendered-feed cache.

A GET or HEAD of a feed, archive, digest feed or the OPML whose document is in the cache is answered here,
through the same ``cache.respond`` as the Flask views: the same status, headers and bytes, without the
framework's work per request. Everything else (a miss, a browser asking for the preview page, any other path
or method) goes to the Flask app unchanged, and a miss there fills the cache for the next request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from ..feeds.build import Query
from .cache import CACHE, FeedCache, accept_prefers_html, respond

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

_FEED = re.compile(r"/feeds/([a-z0-9][a-z0-9-]*)\.(xml|atom|json)")
_ARCHIVE = re.compile(r"/feeds/([a-z0-9][a-z0-9-]*)/archive/(\d{1,9})\.(xml|atom|json)")
_DIGESTS = re.compile(r"/feeds/digests/([a-z0-9][a-z0-9-]*)\.(xml|atom|json)")
_STATUS = {200: "200 OK", 304: "304 Not Modified"}


def feed_key(query: Query, fmt: str) -> tuple[object, ...]:
    return ("feed", fmt, query)


def archive_key(topic: str, page: int, fmt: str) -> tuple[object, ...]:
    return ("archive", topic, page, fmt)


def digests_key(topic: str, fmt: str) -> tuple[object, ...]:
    return ("digests", topic, fmt)


OPML_KEY: tuple[object, ...] = ("opml",)


def key_for(environ: WSGIEnvironment) -> tuple[object, ...] | None:
    """The cache key the Flask views use for this request's document, or None for any other request."""
    path = environ.get("PATH_INFO", "")
    if path == "/feeds.opml":
        return OPML_KEY
    if m := _DIGESTS.fullmatch(path):
        return digests_key(m[1], m[2])
    if m := _ARCHIVE.fullmatch(path):
        return archive_key(m[1], int(m[2]), m[3])
    if m := _FEED.fullmatch(path):
        args = Request(environ).args.to_dict() if environ.get("QUERY_STRING") else {}
        return feed_key(Query.parse(m[1], args), m[2])
    return None


class FastPath:
    """WSGI middleware: cached feed documents from the cache, every other request to ``fallback``."""

    def __init__(self, app: Flask, fallback: WSGIApplication) -> None:
        self.app = app
        self.fallback = fallback
        self.served = 0  # replies given here, without Flask (approximate under threads)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        cache: FeedCache | None = self.app.extensions.get(CACHE)
        if cache is not None and method in ("GET", "HEAD") and environ.get("PATH_INFO", "").startswith("/feeds"):
            key = key_for(environ)
            rendered = cache.get(key) if key is not None else None
            if rendered is not None and not (rendered.preview and accept_prefers_html(environ.get("HTTP_ACCEPT"))):
                status, headers, body = respond(
                    rendered, method=method, accept_encoding=environ.get("HTTP_ACCEPT_ENCODING"),
                    if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
                    if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"))
                start_response(_STATUS[status], headers)
                self.served += 1
                return [body] if body else []
        return self.fallback(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]
