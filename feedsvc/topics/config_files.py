"""Loading the user-edited TOML files (sources, topics, page metadata) with errors that name the field."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, or raise ConfigError naming the file and what is wrong."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None


def field(table: dict[str, Any], key: str, kind: type, where: str, *, default: Any = ...) -> Any:
    """``table[key]`` checked to be of ``kind``; ``where`` names the table in errors."""
    if key not in table:
        if default is ...:
            raise ConfigError(f"{where}: missing field {key!r}")
        return default
    value = table[key]
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}.{key}: must be a list of strings")
    elif not isinstance(value, kind):
        raise ConfigError(f"{where}.{key}: must be {kind.__name__}, not {type(value).__name__}")
    return value
