"""feedsvc: a self-hosted news feed server and newsletter digest generator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the ingest workers import this package without needing Flask
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web application; ``config`` overrides ``FEEDSVC_*`` settings by name."""
    from flask import Flask

    from . import cli, resources, settings
    from .cli import scheduler
    from .store import db
    from .web import app as web

    app = Flask(__name__, static_folder=str(resources.static()), template_folder=str(resources.templates()),
                instance_relative_config=True)
    overrides = dict(config or {})
    flask_keys = {k: overrides.pop(k) for k in list(overrides) if k not in settings.BY_NAME}
    values = settings.load(overrides=overrides)
    app.config.update(SECRET_KEY=values["SECRET_KEY"], FEEDSVC=values, **flask_keys)
    db.init_app(app)
    cli.init_app(app)
    web.init_app(app)
    if values["CLOCK_IN_WEB"]:
        scheduler.start_in_dev_server(app)
    return app
