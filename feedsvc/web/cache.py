"""Rendered feed bytes and their validators, kept per web process and dropped when the store changes.

Every process checks the store version at most once a second, so an ingest that changes a feed reaches
every web process within about a second, and a warm request never renders.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from ..store import state

CHECK_EVERY = 1.0


@dataclass(frozen=True)
class Rendered:
    body: bytes
    gzipped: bytes
    etag: str  # strong, of the identity body
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, last_modified: datetime) -> Rendered:
        digest = hashlib.sha256(body).hexdigest()[:32]
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0), f'"{digest}"', last_modified)

    @property
    def etag_gzip(self) -> str:
        """A different strong validator for the gzip-encoded representation (RFC 9110 8.8.3)."""
        return self.etag[:-1] + '-gz"'


class FeedCache:
    """A bounded LRU of rendered feeds, keyed by request and store version."""

    def __init__(self, engine: Engine, maxsize: int = 512) -> None:
        self.engine = engine
        self.maxsize = maxsize
        self.items: OrderedDict[tuple[object, ...], Rendered] = OrderedDict()
        self.lock = threading.Lock()
        self.version = -1
        self.checked = 0.0

    def current_version(self) -> int:
        now = time.monotonic()
        if now - self.checked >= CHECK_EVERY:
            with self.engine.connect() as conn:
                version = state.version(conn)
            with self.lock:
                if version != self.version:
                    self.items.clear()
                    self.version = version
                self.checked = now
        return self.version

    def get_or_render(self, key: tuple[object, ...], render: Callable[[], Rendered]) -> Rendered:
        full = (self.current_version(), *key)
        with self.lock:
            hit = self.items.get(full)
            if hit is not None:
                self.items.move_to_end(full)
                return hit
        value = render()
        with self.lock:
            self.items[full] = value
            while len(self.items) > self.maxsize:
                self.items.popitem(last=False)
        return value
