"""HTTP plumbing shared by views: conditional GET, gzip, caching headers, content negotiation."""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Request, Response
from werkzeug.datastructures import Headers
from werkzeug.http import http_date, parse_date

from .cache import Rendered

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml",
              "text/xml", "application/json")


def wants_html(request: Request) -> bool:
    """A browser asking for a page: text/html named, and liked at least as well as any feed type."""
    accept = request.accept_mimetypes
    html_q = accept.quality("text/html") if any(m == "text/html" for m, _ in accept) else 0
    feed_q = max((q for m, q in accept if m in FEED_TYPES), default=0)
    return html_q > 0 and html_q >= feed_q


def max_age(rescan_minutes: int, now: float | None = None) -> int:
    """Seconds until the next corpus re-scan slot: no new content can arrive before then."""
    period = rescan_minutes * 60
    now = time.time() if now is None else now
    return max(60, int(math.ceil(now / period) * period - now))


class ValidatedResponse(Response):
    """A response whose 304 keeps Last-Modified: werkzeug drops it as an entity header, but RFC 9110 (15.4.5)
    allows it, and pollers that validate by date alone need it back to stay in step."""

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        headers = super().get_wsgi_headers(environ)
        if self.status_code == 304 and "Last-Modified" in self.headers:
            headers["Last-Modified"] = self.headers["Last-Modified"]
        return headers


def _matches(header: str | None, *etags: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    offered = {t.strip().removeprefix("W/") for t in header.split(",")}
    return any(e in offered for e in etags)


def cached_response(request: Request, rendered: Rendered, content_type: str, *, cache_seconds: int,
                    extra_headers: dict[str, str] | None = None) -> Response:
    """200 with the body (gzip when accepted), or 304 when the client's validators still hold."""
    use_gzip = "gzip" in (request.headers.get("Accept-Encoding") or "").lower()
    etag = rendered.etag_gzip if use_gzip else rendered.etag
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(rendered.last_modified),
        "Cache-Control": f"public, max-age={cache_seconds}",
        "Vary": "Accept, Accept-Encoding",
        **(extra_headers or {}),
    }
    not_modified = False
    if request.headers.get("If-None-Match") is not None:
        not_modified = _matches(request.headers.get("If-None-Match"), rendered.etag, rendered.etag_gzip)
    else:
        since: datetime | None = parse_date(request.headers.get("If-Modified-Since"))
        not_modified = since is not None and rendered.last_modified.replace(microsecond=0) <= since
    if not_modified:
        return ValidatedResponse(status=304, headers=headers)
    body = rendered.gzipped if use_gzip else rendered.body
    response = ValidatedResponse(body, status=200, content_type=content_type, headers=headers)
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    return response
