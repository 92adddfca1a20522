"""Links for readers: unsubscribe and preferences (never expire), and subscription confirmations (which carry
the wanted preferences and expire).

Every token is sealed with AES-SIV (RFC 5297, from the cryptography package) under a key drawn from the secret
and the link's purpose by HKDF: a link shows neither the subscriber's sequential id nor the address it was made
for, and nobody without the secret can make or alter one. AES-SIV is deterministic, so a reader's links are the
same in every message, as a message's bytes must be. Unsubscribe and preferences links signed before links were
sealed (itsdangerous, readable ids) are still honoured under the same secret, so digests already mailed keep
working after an upgrade.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadSignature, URLSafeSerializer

UNSUBSCRIBE = "unsubscribe"
PREFERENCES = "preferences"
CONFIRM = "confirm"
EXPIRED = object()  # what read_expiring returns for a genuine token that is too old


@dataclass(frozen=True)
class Issued:
    """A confirmation token's payload, and when it was issued (to refuse it once the reader changed since)."""

    payload: Any
    at: datetime


def _cipher(secret: str, purpose: str) -> AESSIV:
    key = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"feedsvc-links",
               info=purpose.encode("utf-8")).derive(secret.encode("utf-8"))
    return AESSIV(key)


def _seal(secret: str, purpose: str, value: Any) -> str:
    data = json.dumps(value, separators=(",", ":")).encode("utf-8")
    sealed = _cipher(secret, purpose).encrypt(data, None)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def _open(secret: str, purpose: str, token: str) -> Any:
    """The value sealed in ``token``, or None when it was not made with this secret for ``purpose``."""
    try:
        sealed = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        if base64.urlsafe_b64encode(sealed).rstrip(b"=") != token.encode("ascii"):
            return None  # one sealed value has one spelling: no variant of a link is honoured
        return json.loads(_cipher(secret, purpose).decrypt(sealed, None))
    except (InvalidTag, UnicodeError, ValueError):
        return None


def _signed_before_sealing(secret: str, purpose: str, token: str) -> Any:
    """The id in an unsubscribe or preferences link of the earlier, signed-only form; None otherwise."""
    if purpose not in (UNSUBSCRIBE, PREFERENCES) or "." not in token:
        return None
    try:
        return URLSafeSerializer(secret, salt=purpose).loads(token)
    except (BadSignature, UnicodeError, ValueError):
        return None


def make(secret: str, purpose: str, subscriber_id: int) -> str:
    return _seal(secret, purpose, subscriber_id)


def read(secret: str, purpose: str, token: str) -> int | None:
    """The subscriber id a token was made for, or None when it was not made by us for ``purpose``."""
    value = _open(secret, purpose, token)
    if value is None:
        value = _signed_before_sealing(secret, purpose, token)
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
