"""The WSGI fast path answers cached feed documents exactly as Flask does, stays fresh across processes,
costs no query per request, keeps its cache within a byte budget and serves it while the database is down."""

from __future__ import annotations

import json
import math
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event
from werkzeug.test import Client

from feedsvc.store import state
from feedsvc.web.cache import FeedCache, Rendered
from feedsvc.web.fastpath import FastPath
from tests.conftest import SEEDS
from tests.e2e import web_server
from tests.feed_samples import make_app

PATHS = ["/feeds/politics.xml", "/feeds/politics.atom", "/feeds/all.json", "/feeds/all.xml?limit=5&q=election",
         "/feeds/all.atom?source=tass", "/feeds/politics/archive/0.xml", "/feeds/digests/all.json",
         "/feeds/digests/politics.atom", "/feeds.opml"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
OLD = "Sat, 01 Jan 2000 00:00:00 GMT"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("fast"))


def _fast(app: Flask) -> FastPath:
    layer = app.wsgi_app  # under the access log, the outermost layer
    while not isinstance(layer, FastPath):
        layer = layer.inner  # type: ignore[attr-defined]
    return layer


def _reply(client: Client, method: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]],
                                                                                       bytes]:
    r = client.open(path, method=method, headers=headers)
    # max-age counts down to the next re-scan slot: two requests may straddle a second
    listed = [(k, re.sub(r"max-age=\d+", "max-age=N", v)) for k, v in r.headers.items()]
    return r.status_code, listed, r.get_data()


def _variants(etag: str, gz_etag: str, last_modified: str) -> list[dict[str, str]]:
    return [{}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "gzip;q=0"}, {"Accept-Encoding": "br, *;q=0.5"},
            {"If-None-Match": etag}, {"If-None-Match": f"W/{etag}"}, {"If-None-Match": gz_etag},
            {"If-None-Match": f'"other", {etag}'}, {"If-None-Match": "*"}, {"If-None-Match": '"other"'},
            {"If-Modified-Since": last_modified}, {"If-Modified-Since": OLD}, {"If-Modified-Since": "garbage"},
            {"If-None-Match": '"other"', "If-Modified-Since": last_modified},  # If-None-Match wins: 200
            {"If-None-Match": etag, "If-Modified-Since": OLD},  # and here: 304
            {"Accept": "application/rss+xml"}, {"Accept": BROWSER}, {"Accept": "*/*", "Accept-Encoding": "gzip"}]


def test_fast_path_answers_exactly_as_flask(app: Flask) -> None:
    fast, flask_only = Client(app.wsgi_app), Client(_fast(app).fallback)
    before = _fast(app).served
    compared = 0
    for path in PATHS:
        first = fast.get(path, headers={"Accept-Encoding": "gzip"})  # a miss: Flask renders and caches it
        assert first.status_code == 200, path
        plain = fast.get(path)
        variants = _variants(plain.headers["ETag"], first.headers["ETag"], plain.headers["Last-Modified"])
        for headers in variants:
            for method in ("GET", "HEAD"):
                got, want = _reply(fast, method, path, headers), _reply(flask_only, method, path, headers)
                assert got == want, (method, path, headers)
                compared += 1
        assert _reply(fast, "GET", path, {"If-None-Match": '"other"', "If-Modified-Since": plain.headers[
            "Last-Modified"]})[0] == 200
        assert _reply(fast, "GET", path, {"If-None-Match": plain.headers["ETag"], "If-Modified-Since": OLD})[0] == 304
    served = _fast(app).served - before
    assert served > compared * 0.8, (served, compared)  # all but the previews and first misses came from here


def test_other_requests_fall_through_unchanged(app: Flask) -> None:
    fast, flask_only = Client(app.wsgi_app), Client(_fast(app).fallback)
    fast.get("/feeds/politics.xml")
    before = _fast(app).served
    for method, path in (("POST", "/feeds/politics.xml"), ("GET", "/feeds/nosuch.xml"), ("GET", "/"),
                         ("GET", "/feeds/politics.xml?limit=7"), ("GET", "/topics/politics"),
                         ("DELETE", "/feeds.opml"), ("GET", "/feeds/politics/archive/99.xml")):
        got, want = fast.open(path, method=method), flask_only.open(path, method=method)
        assert (got.status_code, got.get_data()) == (want.status_code, want.get_data()), (method, path)
    r = fast.get("/feeds/politics.xml", headers={"Accept": BROWSER})
    assert r.mimetype == "text/html"
    assert _fast(app).served == before


def test_a_warm_request_costs_no_query(app: Flask) -> None:
    fast = Client(app.wsgi_app)
    for path in PATHS:
        fast.get(path)
    statements: list[str] = []
    engine = app.extensions["feedsvc.engine"]
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        app.extensions["feedsvc.feed_cache"].checked = time.monotonic()  # the check of this second is done
        for _ in range(20):
            for path in PATHS:
                assert fast.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert statements == []


def test_front_page_counts_once_per_store_version(app: Flask) -> None:
    client = app.test_client()
    statements: list[str] = []
    engine = app.extensions["feedsvc.engine"]
    with engine.begin() as conn:
        state.bump(conn)  # a new store version: the counts are taken once more, then kept
    listener = lambda *args: statements.append(args[2])
    event.listen(engine, "before_cursor_execute", listener)
    try:
        app.extensions["feedsvc.feed_cache"].checked = -math.inf
        for _ in range(5):
            assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    grouped = [s for s in statements if "GROUP BY items.kind" in s]
    assert len(grouped) == 1, grouped


def test_the_cache_is_bounded_by_bytes(app: Flask) -> None:
    client = app.test_client()
    cache: FeedCache = app.extensions["feedsvc.feed_cache"]
    cache.max_bytes = 400_000
    try:
        for limit in range(101, 201):
            assert client.get(f"/feeds/all.xml?limit={limit}").status_code == 200
        assert cache.bytes == sum(r.size for r in cache.items.values()) <= cache.max_bytes
        assert 0 < len(cache.items) < 100
        newest = next(reversed(cache.items))
        assert newest[1:3] == ("feed", "xml") and newest[3].limit == 200
    finally:
        cache.max_bytes = 64 * 1024 * 1024


def test_cache_evicts_least_recently_used_first(tmp_path: Path) -> None:
    cache = FeedCache(_engine(tmp_path), max_bytes=10 * (5000 + 1024 * 3))
    for n in range(30):
        cache.get_or_render(("k", n), lambda n=n: Rendered.of(bytes([n % 250]) * 5000, datetime(2025, 1, 1,
                                                                                              tzinfo=UTC), "t"))
        cache.get(("k", 0))  # kept in use
    assert ("k", 0) in [k[1:] for k in cache.items] and ("k", 1) not in [k[1:] for k in cache.items]
    assert cache.bytes <= cache.max_bytes


def _engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    from feedsvc.store import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    db.upgrade(engine)
    return engine


class Relay:
    """A TCP relay to the PostgreSQL server, to take the database away from the app as an outage would."""

    def __init__(self, port: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = port
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            b.close()

    def cut(self) -> None:
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def test_cached_feeds_are_served_while_the_database_is_down(pg_url: str, tmp_path: Path) -> None:
    from tests.conftest import PG_URL

    relay = Relay(int(re.search(r":(\d+)/", PG_URL)[1]))  # type: ignore[index]
    url = pg_url.replace(re.search(r"//[^/]+/", pg_url)[0], f"//127.0.0.1:{relay.port}/")  # type: ignore[index]
    app = make_app(tmp_path, DATABASE_URL=url)
    try:
        fast, flask_only = Client(app.wsgi_app), Client(_fast(app).fallback)
        warm = {p: fast.get(p).get_data() for p in PATHS}
        relay.cut()
        app.extensions["feedsvc.feed_cache"].checked = -math.inf  # the next request asks the store again
        for client in (flask_only, fast):
            for path, body in warm.items():
                r = client.get(path)
                assert (r.status_code, r.get_data()) == (200, body), path
            app.extensions["feedsvc.feed_cache"].checked = -math.inf
    finally:
        relay.cut()
        app.extensions["feedsvc.engine"].dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'served.sqlite3'}"
    else:
        yield str(request.getfixturevalue("pg_url"))


def test_an_ingest_reaches_every_web_worker_within_two_seconds(store_url: str, tmp_path: Path) -> None:
    """The Procfile's server (several workers), warm; an ingest in another process; every worker then serves
    the new item within 2 seconds of the ingest's end."""
    env = {"FEEDSVC_DATABASE_URL": store_url, "FEEDSVC_CORPUS_DIR": str(SEEDS), "WEB_CONCURRENCY": "2"}
    flask = [sys.executable, "-m", "flask", "--app", "feedsvc"]
    subprocess.run([*flask, "ingest", str(SEEDS)], env={**_environ(), **env}, check=True, capture_output=True)
    folder = tmp_path / "new"
    folder.mkdir()
    title = f"Freshness probe {time.time_ns()}"
    (folder / "probe.jsonl").write_text(json.dumps({"title": title, "source": "apa", "topics": ["sports"],
                                                    "published": "2030-01-01T00:00:00+00:00"}) + "\n")
    with web_server(env) as base:
        for _ in range(50):  # every worker warm, its cache filled
            assert title not in urllib.request.urlopen(base + "/feeds/sports.xml").read().decode()
        subprocess.run([*flask, "ingest", str(folder)], env={**_environ(), **env}, check=True, capture_output=True)
        done = time.monotonic()
        while not all(title in urllib.request.urlopen(base + "/feeds/sports.xml").read().decode()
                      for _ in range(20)):
            assert time.monotonic() - done < 2.0, "an ingest took over 2 s to reach every web worker"
            time.sleep(0.05)


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)
