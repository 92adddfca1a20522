"""Signed links for subscribers: unsubscribe (never expires) and preferences."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE = "unsubscribe"
PREFERENCES = "preferences"


def make(secret: str, purpose: str, subscriber_id: int) -> str:
    return URLSafeSerializer(secret, salt=purpose).dumps(subscriber_id)


def read(secret: str, purpose: str, token: str) -> int | None:
    """The subscriber id a token was made for, or None when it was not made by us for ``purpose``."""
    try:
        value = URLSafeSerializer(secret, salt=purpose).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
