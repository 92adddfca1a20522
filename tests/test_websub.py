"""WebSub: hub links in feeds and headers, and a publish ping to a real HTTP hub after an ingest."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import feedparser
import pytest

from feedsvc import create_app
from tests.conftest import SEEDS


@pytest.fixture
def hub() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    received: list[dict[str, list[str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(urllib.parse.parse_qs(self.rfile.read(length).decode()))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hub", received
    server.shutdown()


def test_hub_is_linked_and_pinged(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, received = hub
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}", "CORPUS_DIR": str(SEEDS), "HUB_URL": url})
    result = app.test_cli_runner().invoke(args=["ingest"])
    assert result.exit_code == 0, result.output
    assert "websub: 21 of 21 feeds announced" in result.output  # all and the six topics, in three formats
    pinged = {r["hub.url"][0] for r in received if r["hub.mode"] == ["publish"]}
    assert "http://127.0.0.1:5000/feeds/politics.xml" in pinged and len(pinged) == 21
    client = app.test_client()
    response = client.get("/feeds/politics.atom")
    assert f'<{url}>; rel="hub"' in response.headers["Link"]
    assert [link.href for link in feedparser.parse(response.data).feed.links if link.rel == "hub"] == [url]
    rss = client.get("/feeds/politics.xml").data.decode()
    assert f'<atom:link rel="hub" href="{url}"/>' in rss
    received.clear()
    again = app.test_cli_runner().invoke(args=["ingest"])
    assert "websub" not in again.output and received == []  # nothing changed, nothing announced
    sports = tmp_path / "sports"
    sports.mkdir()
    (sports / "s.jsonl").write_text('{"title": "Wrestler becomes national champion", "source": "apa", '
                                    '"published": "2025-07-06T10:00:00+04:00"}\n', encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["ingest", str(sports)]).exit_code == 0
    assert {r["hub.url"][0].rsplit("/", 1)[-1] for r in received} == {
        f"{t}.{fmt}" for t in ("all", "sports") for fmt in ("xml", "atom", "json")}
    app.extensions["feedsvc.engine"].dispose()
