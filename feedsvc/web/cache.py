"""Rendered feed bytes and their validators, kept per web process and dropped when the store changes.

Every process checks the store version at most once a second, so an ingest that changes a feed reaches
every web process within about a second, and a warm request never renders. While the database cannot be
reached, what is cached keeps being served. ``respond`` turns a cached document into the status, headers and
body of a reply: the Flask views and the WSGI fast path (``fastpath.py``) both answer through it.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import http_date, parse_accept_header, parse_date

from ..store import db, queries, state

CACHE = "feedsvc.feed_cache"  # its key in app.extensions
CHECK_EVERY = 1.0
MAX_BYTES = 64 * 1024 * 1024  # per process, bodies and their gzip copies together
ENTRY_OVERHEAD = 1024  # what an entry costs beyond its bytes: key, headers, bookkeeping
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml",
              "text/xml", "application/json")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """One rendered document, with everything its replies say about it."""

    body: bytes
    gzipped: bytes
    etag: str  # strong, of the identity body
    last_modified: datetime
    content_type: str
    max_age: int | None = None  # seconds; None: until the next corpus re-scan slot of ``rescan_minutes``
    rescan_minutes: int = 10
    headers: tuple[tuple[str, str], ...] = ()  # more headers of every reply (a WebSub Link)
    preview: bool = False  # a browser asking for HTML gets a preview page instead (not from this cache)
    last_modified_http: str = ""  # ``last_modified`` as the header writes it, formatted once

    @classmethod
    def of(cls, body: bytes, last_modified: datetime, content_type: str, **policy: Any) -> Rendered:
        digest = hashlib.sha256(body).hexdigest()[:32]
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0), f'"{digest}"', last_modified,
                   content_type, **policy, last_modified_http=http_date(last_modified))

    @property
    def etag_gzip(self) -> str:
        """A different strong validator for the gzip-encoded representation (RFC 9110 8.8.3)."""
        return self.etag[:-1] + '-gz"'

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped) + ENTRY_OVERHEAD


def max_age(rescan_minutes: int, now: float | None = None) -> int:
    """Seconds until the next corpus re-scan slot: no new content can arrive before then."""
    period = rescan_minutes * 60
    now = time.time() if now is None else now
    return max(60, int(math.ceil(now / period) * period - now))


@lru_cache(maxsize=256)
def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding value accepts gzip, honouring q-values (RFC 9110 12.5.3): ``gzip;q=0``
    refuses it, and ``*`` speaks for gzip only when gzip is not named."""
    if not header:
        return False
    named: float | None = None
    star: float | None = None
    for part in header.split(","):
        coding, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        coding = coding.lower()
        if coding in ("gzip", "x-gzip"):
            named = max(named or 0.0, q)
        elif coding == "*":
            star = q
    if named is not None:
        return named > 0
    return star is not None and star > 0


@lru_cache(maxsize=256)
def accept_prefers_html(accept: str | None) -> bool:
    """A browser asking for a page: text/html named, and liked at least as well as any feed type."""
    parsed = parse_accept_header(accept, MIMEAccept)
    html_q = parsed.quality("text/html") if any(m == "text/html" for m, _ in parsed) else 0
    feed_q = max((q for m, q in parsed if m in FEED_TYPES), default=0)
    return html_q > 0 and html_q >= feed_q


def _matches(header: str, *etags: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter."""
    if header.strip() == "*":
        return True
    offered = {t.strip().removeprefix("W/") for t in header.split(",")}
    return any(e in offered for e in etags)


@lru_cache(maxsize=256)
def _since(header: str) -> datetime | None:
    return parse_date(header)


def respond(rendered: Rendered, *, method: str, accept_encoding: str | None, if_none_match: str | None,
            if_modified_since: str | None, now: float | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for a GET or HEAD of a cached document: 200 (gzip when accepted) or 304.

    If-None-Match, when sent, decides alone; If-Modified-Since counts only without it (RFC 9110 13.2.2).
    """
    use_gzip = accepts_gzip(accept_encoding)
    seconds = rendered.max_age if rendered.max_age is not None else max_age(rendered.rescan_minutes, now)
    validators = [("ETag", rendered.etag_gzip if use_gzip else rendered.etag),
                  ("Cache-Control", f"public, max-age={seconds}"), ("Vary", "Accept, Accept-Encoding"),
                  *rendered.headers]
    last_modified = ("Last-Modified", rendered.last_modified_http or http_date(rendered.last_modified))
    if if_none_match is not None:
        not_modified = _matches(if_none_match, rendered.etag, rendered.etag_gzip)
    else:
        since = _since(if_modified_since) if if_modified_since else None
        not_modified = since is not None and rendered.last_modified.replace(microsecond=0) <= since
    if not_modified:
        return 304, [*validators, *SECURITY_HEADERS, last_modified], b""
    body = rendered.gzipped if use_gzip else rendered.body
    headers = [("Content-Type", rendered.content_type), last_modified, *validators]
    if use_gzip:
        headers.append(("Content-Encoding", "gzip"))
    headers += [("Content-Length", str(len(body))), *SECURITY_HEADERS]
    return 200, headers, b"" if method == "HEAD" else body


class FeedCache:
    """Rendered feeds keyed by request and store version, the least recently used dropped past ``max_bytes``;
    small values computed from the store (``memo``) are kept the same way."""

    def __init__(self, engine: Engine, max_bytes: int = MAX_BYTES) -> None:
        self.engine = engine
        self.max_bytes = max_bytes
        self.items: OrderedDict[tuple[object, ...], Rendered] = OrderedDict()
        self.bytes = 0
        self.memos: dict[tuple[object, ...], object] = {}
        self.lock = threading.Lock()
        self.version = -1
        self.checked = -math.inf

    def current_version(self) -> int:
        """The store version, read at most once a second; while the database is down, the last one read."""
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY:
            return self.version
        try:
            with self.engine.connect() as conn:
                version = state.version(conn)
        except DBAPIError as exc:
            log.warning("store version unreadable, serving cached feeds: %s", str(exc).splitlines()[0])
            self.checked = now
            return self.version
        with self.lock:
            if version != self.version:
                self.items.clear()
                self.memos.clear()
                self.bytes = 0
                self.version = version
            self.checked = now
        return self.version

    def get(self, key: tuple[object, ...]) -> Rendered | None:
        """The cached document for ``key`` at the current store version, or None."""
        full = (self.current_version(), *key)
        with self.lock:
            hit = self.items.get(full)
            if hit is not None:
                self.items.move_to_end(full)
            return hit

    def get_or_render(self, key: tuple[object, ...], render: Callable[[], Rendered]) -> Rendered:
        hit = self.get(key)
        if hit is not None:
            return hit
        full = (self.version, *key)
        value = render()
        if value.size > self.max_bytes:
            return value
        with self.lock:
            old = self.items.pop(full, None)
            self.bytes += value.size - (old.size if old else 0)
            self.items[full] = value
            while self.bytes > self.max_bytes:
                self.bytes -= self.items.popitem(last=False)[1].size
        return value

    def memo(self, key: tuple[object, ...], compute: Callable[[], Any]) -> Any:
        """A value computed from the store, kept until the store version changes (a few small values only)."""
        version = self.current_version()
        with self.lock:
            if (version, *key) in self.memos:
                return self.memos[(version, *key)]
        value = compute()
        with self.lock:
            self.memos[(version, *key)] = value
        return value


def feed_cache() -> FeedCache:
    """This app's cache, made on first use."""
    from flask import current_app

    cache = current_app.extensions.get(CACHE)
    if cache is None:
        cache = current_app.extensions[CACHE] = FeedCache(db.get_engine())
    return cache


def item_counts(conn: Connection) -> dict[str, int]:
    """Stored items by kind, counted once per store version (only content changes move either)."""
    return dict(feed_cache().memo(("item counts",), lambda: queries.item_counts(conn)))
