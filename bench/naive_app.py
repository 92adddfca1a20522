"""The baseline for bench/feeds.py: the same feed, queried and rendered with feedgen on every request."""

from __future__ import annotations

from flask import Flask, Response, request

from feedsvc import create_app
from feedsvc.web.views.feeds import RENDERERS, _topic_or_404, build, build_feed


def naive_app() -> Flask:
    app = create_app()

    @app.get("/naive/<topic>.<fmt>")
    def naive(topic: str, fmt: str) -> Response:
        _topic_or_404(topic)
        feed, _ = build_feed(build.Query.parse(topic, request.args.to_dict()), fmt)
        return Response(RENDERERS[fmt](feed), content_type=build.FORMATS[fmt])

    return app
