"""Links for readers: unsubscribe and preferences (never expire), and subscription confirmations (which carry
the wanted preferences and expire).

Every token is sealed, then signed: its content is enciphered with a key stream drawn from HMAC-SHA256 under
a key of the secret and the link's purpose (a PRF in counter mode), and the result is signed with
itsdangerous. So a link shows neither the subscriber's sequential id nor the address it was made for, and
nobody without the secret can make or alter one. The nonce is derived from the content (deterministic
sealing), so a reader's links are the same in every message, as a message's bytes must be.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, Signer

UNSUBSCRIBE = "unsubscribe"
PREFERENCES = "preferences"
CONFIRM = "confirm"
EXPIRED = object()  # what read_expiring returns for a genuine token that is too old
_NONCE = 12


@dataclass(frozen=True)
class Issued:
    """A confirmation token's payload, and when it was issued (to refuse it once the reader changed since)."""

    payload: Any
    at: datetime


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"feedsvc-seal:" + purpose.encode("utf-8"), hashlib.sha256).digest()


def _stream(key: bytes, nonce: bytes, size: int) -> bytes:
    blocks = (hmac.new(key, nonce + n.to_bytes(4, "big"), hashlib.sha256).digest() for n in range(size // 32 + 1))
    return b"".join(blocks)[:size]


def _seal(secret: str, purpose: str, value: Any) -> str:
    data = json.dumps(value, separators=(",", ":")).encode("utf-8")
    key = _key(secret, purpose)
    nonce = hmac.new(key, b"nonce:" + data, hashlib.sha256).digest()[:_NONCE]
    sealed = nonce + bytes(a ^ b for a, b in zip(data, _stream(key, nonce, len(data)), strict=True))
    body = base64.urlsafe_b64encode(sealed).rstrip(b"=")
    return Signer(secret, salt=purpose).sign(body).decode("ascii")


def _open(secret: str, purpose: str, token: str) -> Any:
    """The value sealed in ``token``, or None when it was not made with this secret for ``purpose``."""
    try:
        body = Signer(secret, salt=purpose).unsign(token.encode("ascii"))
        sealed = base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
    except (BadSignature, UnicodeEncodeError, ValueError):
        return None
    nonce, data = sealed[:_NONCE], sealed[_NONCE:]
    plain = bytes(a ^ b for a, b in zip(data, _stream(_key(secret, purpose), nonce, len(data)), strict=True))
    try:
        return json.loads(plain)
    except ValueError:
        return None


def make(secret: str, purpose: str, subscriber_id: int) -> str:
    return _seal(secret, purpose, subscriber_id)


def read(secret: str, purpose: str, token: str) -> int | None:
    """The subscriber id a token was made for, or None when it was not made by us for ``purpose``."""
    value = _open(secret, purpose, token)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def make_expiring(secret: str, purpose: str, payload: Any, *, now: datetime | None = None) -> str:
    """A token that ``read_expiring`` accepts for ``max_age`` seconds from ``now`` (default: this moment)."""
    return _seal(secret, purpose, {"v": payload, "i": (now or datetime.now(UTC)).timestamp()})


def read_expiring(secret: str, purpose: str, token: str, *, max_age: int, now: datetime | None = None) -> Any:
    """``Issued``; EXPIRED when it is ours but older than ``max_age`` seconds; None when it is not ours."""
    value = _open(secret, purpose, token)
    if not isinstance(value, dict) or not isinstance(value.get("i"), float) or "v" not in value:
        return None
    at = datetime.fromtimestamp(value["i"], UTC)
    if (now or datetime.now(UTC)) - at > timedelta(seconds=max_age):
        return EXPIRED
    return Issued(value["v"], at)
