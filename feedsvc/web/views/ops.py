"""Endpoints for the operator's machinery: liveness and readiness probes, favicon and robots.txt."""

from __future__ import annotations

import json

from flask import Blueprint, Response
from sqlalchemy.exc import DBAPIError

from ... import __version__, resources
from ...store import db

bp = Blueprint("ops", __name__)

# Pages of one reader (signed links) and the operator's page are nobody's search result.
ROBOTS = """User-agent: *
Disallow: /admin
Disallow: /unsubscribe/
Disallow: /preferences/
Disallow: /subscribe/confirm/
"""


def _json(status: int, body: dict[str, str]) -> Response:
    response = Response(json.dumps(body, sort_keys=True) + "\n", status=status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """200 while the process serves requests; touches nothing else."""
    return _json(200, {"status": "up", "version": __version__})


@bp.get("/readyz")
def readyz() -> Response:
    """200 when the store answers and its schema is current; 503 with the reason otherwise."""
    try:
        problem = db.schema_problem(db.get_engine())
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else type(exc).__name__
        response = _json(503, {"status": "unavailable", "reason": f"database not answering: {reason}"})
        response.headers["Retry-After"] = "5"
        return response
    if problem:
        return _json(503, {"status": "unavailable", "reason": problem})
    return _json(200, {"status": "ready", "schema": db.head_revision(), "version": __version__})


@bp.get("/favicon.ico")
def favicon() -> Response:
    response = Response((resources.static() / "favicon.svg").read_bytes(), content_type="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    return Response(ROBOTS, content_type="text/plain; charset=utf-8")
