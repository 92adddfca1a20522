"""What every command shares: the --now option, reading it as an aware time, and errors as exit status 1."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import click

from ..errors import FeedsvcError, InvalidField

# The --now option of parse, digest send and scheduler: ISO 8601, read as UTC without an offset.
NOW = click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"])


def aware(value: datetime | None) -> datetime:
    """A --now value with its zone (UTC when it gave none), or this moment when it was not given."""
    if value is None:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_HINTS = {"email": "EMAIL", "topics": "--topic", "hour": "--hour", "zone": "--zone"}


def errors_to_exit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Print a FeedsvcError as one line on stderr and exit with status 1 (a bad field as a usage error)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InvalidField as exc:
            raise click.BadParameter(exc.message, param_hint=_HINTS.get(exc.field, exc.field)) from None
        except FeedsvcError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper
