"""All settings of feedsvc in one table, read from ``FEEDSVC_*`` environment variables and ``.env``."""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dotenv
from limits import parse_many

from .errors import ConfigError

PREFIX = "FEEDSVC_"


def _positive_int(raw: str) -> int:
    value = int(raw) if raw.isdigit() else 0
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _zone(raw: str) -> str:
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {raw!r} (use an IANA name such as Europe/Moscow)") from None
    return raw


def _url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return raw.rstrip("/")


def _optional_url(raw: str) -> str:
    return _url(raw) if raw else ""


def _database_url(raw: str) -> str:
    if raw and not raw.startswith(("sqlite", "postgresql")):
        raise ValueError("must be a sqlite:/// or postgresql:// URL")
    return raw


def _text(raw: str) -> str:
    return raw


# The key earlier versions used when none was set: published, so anyone could sign links with it.
PUBLIC_KEY = "dev-only-change-me"


def _secret_key(raw: str) -> str:
    if raw == PUBLIC_KEY:
        raise ValueError("this key is published in feedsvc's history; leave it empty to have one generated")
    if raw and len(raw) < 16:
        raise ValueError("must be at least 16 characters (or empty: one is generated and kept in the store)")
    return raw


def _log_format(raw: str) -> str:
    if raw not in ("text", "json"):
        raise ValueError("must be text or json")
    return raw


def _non_negative_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ValueError("must be a number, 0 or more")
    return value


def _flag(raw: str) -> bool:
    value = raw.lower()
    if value not in ("true", "false", "1", "0", "yes", "no", "on", "off", ""):
        raise ValueError("must be true or false")
    return value in ("true", "1", "yes", "on")


def _mailbox(raw: str) -> str:
    _, address = parseaddr(raw)
    if "@" not in address:
        raise ValueError("must be an address such as `News digest <digest@news.example.org>`")
    return raw


def _smtp_url(raw: str) -> str:
    if raw and urlsplit(raw).scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise ValueError("must be smtp://, smtp+starttls:// or smtps:// [user:password@]host[:port]")
    return raw


def _rate_limits(raw: str) -> str:
    try:
        parse_many(raw)
    except ValueError:
        raise ValueError("must be limits such as `5/minute;20/hour`") from None
    return raw


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "", _database_url,
            "SQLAlchemy URL of the store. Empty: a SQLite file `feedsvc.sqlite3` in the instance folder."),
    Setting("CORPUS_DIR", "seeds", _text,
            "Folder of page texts (`*.txt`) and JSON Lines (`*.jsonl`) that `ingest` reads by default."),
    Setting("MAX_FILE_BYTES", "5000000", _positive_int,
            "Files larger than this many bytes are refused as failed pages."),
    Setting("DEFAULT_TIMEZONE", "UTC", _zone,
            "Zone for printed times of sources that the sources file gives no zone."),
    Setting("SOURCES_FILE", "", _text,
            "TOML file of news sources (names, time zones, markers). Empty: the built-in one."),
    Setting("TOPICS_FILE", "", _text,
            "TOML file of topics and their rules. Empty: the built-in one."),
    Setting("TAG_AUTHORITY", "feedsvc.invalid", _text,
            "Domain used in the `tag:` ids minted for new items; existing ids never change."),
    Setting("BASE_URL", "http://127.0.0.1:5000", _url,
            "Public address of the site, used for every absolute URL in feeds and emails."),
    Setting("SECRET_KEY", "", _secret_key,
            "Key for signed links and CSRF tokens. Empty: a random key is generated on first start and kept in "
            "the store, shared by every process (see Operations, rotating the key)."),
    Setting("RESCAN_MINUTES", "10", _positive_int,
            "How often the clock re-scans the corpus folder; feeds tell readers to poll no more often (RSS `ttl`, "
            "`Cache-Control: max-age`)."),
    Setting("ARCHIVE_SPAN", "100", _positive_int,
            "Item ids per RFC 5005 archive page. Pages of ids below the newest never change again."),
    Setting("DIGEST_TIMEZONE", "UTC", _zone,
            "Zone whose calendar days digests cover (a digest of 5 July holds that local day's items)."),
    Setting("HUB_URL", "", _optional_url,
            "WebSub hub. When set, feeds link to it and it is pinged after an ingest changes them."),
    Setting("MAIL_FROM", "News digest <digest@localhost>", _mailbox,
            "Sender of digests and confirmation e-mails."),
    Setting("SMTP_URL", "", _smtp_url,
            "Mail server, as `smtp://`, `smtp+starttls://` or `smtps://` `[user:password@]host[:port]`. Empty: "
            "messages are written to the outbox folder as `.eml` files instead."),
    Setting("OUTBOX_DIR", "outbox", _text,
            "Folder that receives messages as `.eml` files when no mail server is set."),
    Setting("SEND_RATE", "0", _non_negative_float,
            "Most messages sent per second (0: as fast as the mail server takes them)."),
    Setting("SMTP_BATCH", "200", _positive_int,
            "Messages sent over one SMTP connection before it is closed and opened again."),
    Setting("DKIM_KEY_FILE", "", _text,
            "PEM private key; when set, every message is DKIM-signed (RSA-SHA256, relaxed/relaxed)."),
    Setting("DKIM_SELECTOR", "feedsvc", _text,
            "DKIM selector: the public key is published at `<selector>._domainkey.<domain>`."),
    Setting("CONFIRM_HOURS", "48", _positive_int,
            "How long a subscription's confirmation link stays valid."),
    Setting("SUBSCRIBE_LIMITS", "5/minute;20/hour", _rate_limits,
            "Subscribe attempts allowed per client address (IPv6: per /64) and, counted in the store, confirmation "
            "e-mails per inbox (`a+x@` is `a@`)."),
    Setting("TRUSTED_PROXIES", "0", _count,
            "How many reverse proxies in front of the web set `X-Forwarded-For`: the client address is read from "
            "it only then (0: never, as anyone can write that header)."),
    Setting("RATELIMIT_STORAGE", "memory://", _text,
            "Where rate-limit counters live. `memory://` is per process; with several web processes use "
            "`redis://host:6379`."),
    Setting("SEND_EVERY_SECONDS", "60", _positive_int,
            "How often the clock looks for digests to build and messages due to send."),
    Setting("CLOCK_IN_WEB", "false", _flag,
            "Run the clock inside `flask run` (one process, for a laptop). Never in the Procfile server's workers."),
    Setting("LOG_FORMAT", "text", _log_format,
            "`text`: one readable line per log record; `json`: one JSON object per line (requests, ingest and "
            "digest runs, deliveries), for a log collector."),
    Setting("ACCESS_LOG", "true", _flag,
            "Log one record per web request (the app writes it, whatever server runs it)."),
    Setting("ADMIN_PASSWORD", "", _text,
            "Password of the `/admin` status page (HTTP Basic, user `admin`). Empty: the page does not exist."),
)

BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}
FOR_TESTS = frozenset({"FEEDSVC_TEST_POSTGRES"})  # read by the test suite, not by feedsvc: not a setting


def environment() -> dict[str, str]:
    """The process environment over the nearest `.env` file up from the working folder: what every entry
    point reads (the web server, the clock, the CLI), the same way Flask's command reads it."""
    path = dotenv.find_dotenv(".env", usecwd=True)
    from_file = {k: v for k, v in dotenv.dotenv_values(path).items() if v is not None} if path else {}
    return {**from_file, **os.environ}


def load(environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read and validate every setting (by default from ``environment()``); raise one ConfigError listing
    every bad value."""
    environ = environment() if environ is None else environ
    overrides = overrides or {}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        if setting.name in overrides:
            raw = overrides[setting.name]
            if not isinstance(raw, str):
                values[setting.name] = raw
                continue
        else:
            raw = environ.get(setting.env, setting.default)
        try:
            values[setting.name] = setting.parse(raw.strip())
        except ValueError as exc:
            problems.append(f"{setting.env}={raw!r}: {exc}")
    unknown = sorted(k for k in environ if k.startswith(PREFIX) and k[len(PREFIX):] not in BY_NAME
                     and k not in FOR_TESTS)
    problems.extend(f"{k}: unknown setting (known: see README, Configuration)" for k in unknown)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return values


def readme_table() -> str:
    """The Markdown table of settings that README's configuration section holds."""
    rows = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        rows.append(f"| `{s.env}` | {default} | {s.help} |")
    return "\n".join(rows)


def resolve_path(value: str, root: Path) -> Path:
    """A path setting made absolute against ``root`` when relative."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def rewrite_readme(path: Path) -> None:
    """Replace the table between the settings markers of README with the current one."""
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- settings -->\n", "\n<!-- /settings -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(head + start + readme_table() + end + tail, encoding="utf-8")


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1:
        rewrite_readme(Path(sys.argv[1]))
    else:
        print(readme_table())
