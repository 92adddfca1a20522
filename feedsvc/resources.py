"""The package's own files: templates, static files, the catalogue's data files and the migrations.

Each is found through the package (``importlib.resources``), so a checkout, an editable install and a wheel
installed far from any checkout all serve the same files. ``templates/`` sits at the project's top and the
build maps it into the package as ``feedsvc.templates``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ConfigError


def _folder(package: str, *parts: str) -> Path:
    found = resources.files(package).joinpath(*parts)
    if not isinstance(found, Path):  # Flask, Jinja2 and Alembic read folders on disk
        raise ConfigError(f"feedsvc must be installed unpacked, not zipped: {package} is inside {found}")
    return found


def templates() -> Path:
    """The folder of the page templates; the e-mail templates are in its ``email/``."""
    return _folder("feedsvc.templates")


def static() -> Path:
    """The folder of the site's CSS and scripts."""
    return _folder("feedsvc.web", "static")


def data_file(name: str) -> Path:
    """One of the built-in catalogue files (``topics.toml``, ``sources.toml``)."""
    return _folder("feedsvc", "data", name)


def topics_file(name: str) -> Path:
    """A file the topic matching ships beside its code (``lexicon.toml``)."""
    return _folder("feedsvc.topics", name)


def migrations() -> Path:
    """Alembic's script folder."""
    return _folder("feedsvc.store.migrations")
