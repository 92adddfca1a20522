"""feedsvc: a self-hosted news feed server and newsletter digest generator."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the ingest workers import this package without needing Flask
    from flask import Flask

try:
    __version__ = version("feedsvc")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the web application; ``config`` overrides ``FEEDSVC_*`` settings by name.

    Called with no ``config``, as every entry point does (the web server, the clock, the CLI), a bad setting
    prints the list of what is wrong and exits with status 1; with ``config`` it raises ConfigError.
    """
    from flask import Flask

    from . import cli, logs, resources, settings
    from .cli import scheduler
    from .errors import ConfigError
    from .store import db
    from .web import app as web

    app = Flask(__name__, static_folder=str(resources.static()), template_folder=str(resources.templates()),
                instance_relative_config=True)
    overrides = dict(config or {})
    flask_keys = {k: overrides.pop(k) for k in list(overrides) if k not in settings.BY_NAME}
    try:
        values = settings.load(overrides=overrides)
        app.config.update(SECRET_KEY=values["SECRET_KEY"], FEEDSVC=values, **flask_keys)
        db.init_app(app)
    except ConfigError as exc:
        if config is not None:
            raise
        print(f"feedsvc: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    cli.init_app(app)
    web.init_app(app)
    logs.init_app(app)  # outermost, so the access log sees every request, answered by any layer
    if values["CLOCK_IN_WEB"]:
        scheduler.start_in_dev_server(app)
    return app
