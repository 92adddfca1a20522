"""What a subscriber may ask for, checked the same way for the web form and the CLI."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from ..errors import InvalidField


@dataclass(frozen=True)
class Preferences:
    topics: tuple[str, ...]  # slugs, or ("all",)
    hour: int  # local delivery hour, 0–23
    zone: str  # IANA zone


def normalise_email(raw: str) -> str:
    """The address as it is stored and compared; InvalidField("email") saying what is wrong with it."""
    try:
        return str(validate_email(raw.strip(), check_deliverability=False).normalized).lower()
    except EmailNotValidError as exc:
        raise InvalidField("email", str(exc)) from None


def mailbox_key(email: str) -> str:
    """The inbox an address reaches, for counting mails to it: lower case, without a ``+tag``
    (``Victim+1@Example.com`` and ``victim@example.com`` are one inbox), its domain in IDNA."""
    local, _, domain = (ascii_address(email) or email).lower().rpartition("@")
    return f"{local.partition('+')[0]}@{domain}"


def ascii_address(address: str) -> str | None:
    """The address in ASCII, its domain in IDNA (``anna@xn--bcher-kva.example``), which any mail server takes;
    None when its local part is not ASCII (only a server that offers SMTPUTF8 takes that)."""
    if address.isascii():
        return address
    try:
        return validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        return None


def preferences(topics: Iterable[str], hour: str | int, zone: str, *, known: Iterable[str]) -> Preferences:
    """Checked preferences; "all" among the topics stands for every topic."""
    wanted = tuple(dict.fromkeys(t.strip() for t in topics if t.strip()))
    allowed = {"all", *known}
    unknown = [t for t in wanted if t not in allowed]
    if not wanted:
        raise InvalidField("topics", "choose at least one topic")
    if unknown:
        raise InvalidField("topics", f"unknown topic(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}")
    try:
        value = int(hour)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 23:
        raise InvalidField("hour", f"{hour!r} is not an hour from 0 to 23")
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise InvalidField("zone", f"unknown time zone {zone!r} (use a name such as Europe/London)") from None
    return Preferences(("all",) if "all" in wanted else wanted, value, zone)
