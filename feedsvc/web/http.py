"""HTTP plumbing shared by views: cached documents as responses, content negotiation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Request, Response
from werkzeug.datastructures import Headers

from .cache import Rendered, accept_prefers_html, respond

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["cached_response", "wants_html"]


def wants_html(request: Request) -> bool:
    """A browser asking for a page rather than the feed."""
    return accept_prefers_html(request.headers.get("Accept"))


class Prepared(Response):
    """A response whose headers are sent exactly as given: the WSGI fast path sends the same ones."""

    default_mimetype = None

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        return Headers(self.headers)


def cached_response(request: Request, rendered: Rendered) -> Response:
    """200 with the body (gzip when accepted), or 304 when the client's validators still hold."""
    status, headers, body = respond(rendered, method=request.method,
                                    accept_encoding=request.headers.get("Accept-Encoding"),
                                    if_none_match=request.headers.get("If-None-Match"),
                                    if_modified_since=request.headers.get("If-Modified-Since"))
    response = Prepared(body, status=status)
    response.headers = Headers(headers)
    return response
