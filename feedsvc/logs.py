"""Logging for every process: readable lines or one JSON object per line, and the access log of the web.

The access log is written by the application itself (a WSGI wrapper), so it is the same whatever server
runs the app. feedsvc's records carry their facts in one ``extra`` dict, ``facts`` (``event`` names the
kind: request, ingest, digest, send); the JSON format writes each as a key an operator can filter on.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

access = logging.getLogger("feedsvc.access")

# Attributes every LogRecord has; anything else on a record came as an ``extra`` field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """A record as the flat object the JSON format writes."""
    out: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "message": record.getMessage(),
    }
    facts = getattr(record, "facts", None)  # feedsvc's own records carry theirs in one dict
    if isinstance(facts, dict):
        out.update(facts)
    else:
        out.update((k, v) for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_"))
    if record.exc_info:
        out["exception"] = logging.Formatter().formatException(record.exc_info)
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(fields(record), ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the moment of the record (servers and tests replace it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(log_format: str) -> None:
    """Send every record of the process to standard error in ``log_format`` (text or json); feedsvc's own
    records from INFO up, other libraries' from WARNING up. Calling it again replaces the earlier set-up."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "feedsvc", False)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.feedsvc = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.getLogger("feedsvc").setLevel(logging.INFO)
    # No format here names the caller's file or line: skip finding them for every record (the logging
    # HOWTO's own advice for speed); the access log writes one record per request.
    logging._srcfile = None  # type: ignore[attr-defined]


class _Logged:
    """A response body that logs the request once the server has sent it (or given up on it)."""

    def __init__(self, body: Iterable[bytes], environ: WSGIEnvironment, started: float, status: list[int]) -> None:
        self.body, self.environ, self.started, self.status = body, environ, started, status
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            log_request(self.environ, self.status[0] if self.status else 0, self.sent,
                        time.perf_counter() - self.started)


def log_request(environ: WSGIEnvironment, status: int, sent: int, seconds: float) -> None:
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    facts = {
        "event": "request", "method": environ.get("REQUEST_METHOD", ""), "path": path, "query": query,
        "status": status, "bytes": sent, "duration_ms": round(seconds * 1000, 2),
        "remote_addr": environ.get("REMOTE_ADDR", ""), "user_agent": environ.get("HTTP_USER_AGENT", ""),
        "referrer": environ.get("HTTP_REFERER", ""),
    }
    target = path + (f"?{query}" if query else "")
    access.info('%s "%s %s" %d %d %.1fms', facts["remote_addr"], facts["method"], target, status, sent,
                facts["duration_ms"], extra={"facts": facts})


def access_logged(app: WSGIApplication) -> WSGIApplication:
    """``app`` writing one access-log record per request, after its body has been sent."""

    def logged(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started, status = time.perf_counter(), list[int]()

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [int(code.split(" ", 1)[0])]
            return start_response(code, headers, exc_info)

        return _Logged(app(environ, start), environ, started, status)

    logged.inner = app  # type: ignore[attr-defined]  # the layers below stay reachable
    return logged


def init_app(app: Flask) -> None:
    configure(app.config["FEEDSVC"]["LOG_FORMAT"])
    if app.config["FEEDSVC"]["ACCESS_LOG"]:
        app.wsgi_app = access_logged(app.wsgi_app)  # type: ignore[method-assign,assignment]
