"""Signed links for readers: unsubscribe and preferences (never expire), and subscription confirmations
(which carry the wanted preferences and expire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeSerializer,
    URLSafeTimedSerializer,
)

UNSUBSCRIBE = "unsubscribe"
PREFERENCES = "preferences"
CONFIRM = "confirm"
EXPIRED = object()  # what read_expiring returns for a genuine token that is too old


def make(secret: str, purpose: str, subscriber_id: int) -> str:
    return URLSafeSerializer(secret, salt=purpose).dumps(subscriber_id)


def read(secret: str, purpose: str, token: str) -> int | None:
    """The subscriber id a token was made for, or None when it was not made by us for ``purpose``."""
    try:
        value = URLSafeSerializer(secret, salt=purpose).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def make_expiring(secret: str, purpose: str, payload: Any, *, now: datetime | None = None) -> str:
    """A token that ``read_expiring`` accepts for ``max_age`` seconds from ``now`` (default: this moment)."""
    serializer = URLSafeTimedSerializer(secret, salt=purpose)
    if now is not None:
        stamp = int(now.timestamp())
        serializer = URLSafeTimedSerializer(secret, salt=purpose, signer=type(
            "SignerAt", (TimestampSigner,), {"get_timestamp": lambda self: stamp}))
    return serializer.dumps(payload)


def read_expiring(secret: str, purpose: str, token: str, *, max_age: int) -> Any:
    """The payload; EXPIRED when it is ours but older than ``max_age`` seconds; None when it is not ours."""
    try:
        return URLSafeTimedSerializer(secret, salt=purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        return EXPIRED
    except BadSignature:
        return None
