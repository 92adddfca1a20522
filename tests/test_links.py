"""Readers' links: they reveal neither the subscriber id nor the address, confirm once, and cannot be forged."""

from __future__ import annotations

import base64
from pathlib import Path

from flask import Flask
from itsdangerous import URLSafeSerializer

from feedsvc.subscribers import tokens
from tests.conftest import confirmation_link, csrf, reader, subscribe, subscribe_app
from tests.smtp import Mailbox

SECRET = "a-long-random-secret-for-these-tests"


def _decoded(token: str) -> bytes:
    """Every part of a token, base64-decoded as far as it goes: what anyone holding the link can read."""
    out = b""
    for part in token.split("."):
        try:
            out += base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            pass
    return out + token.encode()


def test_links_show_neither_the_id_nor_the_address() -> None:
    made = {n: tokens.make(SECRET, tokens.UNSUBSCRIBE, n) for n in range(1, 200)}
    for n, token in made.items():
        assert tokens.read(SECRET, tokens.UNSUBSCRIBE, token) == n
        head = token.split(".")[0]
        assert base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)) != str(n).encode()  # as itsdangerous writes it
        assert len(head) >= 16  # a sealed value, not the id's few digits
    assert len({t[:8] for t in made.values()}) == len(made)  # no shared, counting prefix
    payload = {"e": "victim@example.com", "t": ["all"], "h": 7, "z": "Europe/London"}
    link = tokens.make_expiring(SECRET, tokens.CONFIRM, payload)
    readable = _decoded(link)
    assert b"victim" not in readable and b"example" not in readable and b"London" not in readable


def test_links_mailed_before_sealing_still_work_under_the_same_secret() -> None:
    """Digests mailed before links were sealed carry signed ids; they keep working, and only under their key."""
    for purpose in (tokens.UNSUBSCRIBE, tokens.PREFERENCES):
        earlier = URLSafeSerializer(SECRET, salt=purpose).dumps(42)
        assert tokens.read(SECRET, purpose, earlier) == 42
        assert tokens.read("another-secret-of-some-length", purpose, earlier) is None
    other = URLSafeSerializer(SECRET, salt=tokens.UNSUBSCRIBE).dumps(42)
    assert tokens.read(SECRET, tokens.PREFERENCES, other) is None  # another purpose's link
    confirm = URLSafeSerializer(SECRET, salt=tokens.CONFIRM).dumps({"e": "a@example.com"})
    assert tokens.read_expiring(SECRET, tokens.CONFIRM, confirm, max_age=3600) is None  # only sealed ones


def test_forged_and_altered_links_are_refused(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    secret = sqlite_app.config["SECRET_KEY"]
    genuine = tokens.make(secret, tokens.UNSUBSCRIBE, 1)
    forged = [tokens.make("another-secret", tokens.UNSUBSCRIBE, n) for n in range(1, 21)]
    forged += [tokens.make(secret, tokens.PREFERENCES, n) for n in range(1, 21)]  # another purpose
    forged += [genuine[:i] + ("A" if c != "A" else "B") + genuine[i + 1:] for i, c in enumerate(genuine)]
    forged += [genuine[:-1], genuine + "x", "", "."]
    refused = [client.get(f"/unsubscribe/{t}").status_code for t in forged if t]
    assert set(refused) == {404}


def test_a_confirmation_link_confirms_once_and_never_after_leaving(tmp_path: Path, mailbox: Mailbox) -> None:
    app = subscribe_app(tmp_path, SMTP_URL=mailbox.url)
    client = app.test_client()
    assert subscribe(client, "once@example.com").status_code == 200
    link = confirmation_link(mailbox)
    assert client.post(link, data={"csrf_token": csrf(client, link)}).status_code == 200
    again = client.post(link, data={"csrf_token": csrf(client, "/subscribe")})
    assert again.status_code == 404 and "used already" in again.get_data(as_text=True)
    sub = reader(app, "once@example.com")
    assert sub is not None and sub.status == "active"
    out = tokens.make(app.config["SECRET_KEY"], tokens.UNSUBSCRIBE, sub.id)
    assert client.post(f"/unsubscribe/{out}").status_code == 200
    assert client.get(link).status_code == 404
    assert client.post(link, data={"csrf_token": csrf(client, "/subscribe")}).status_code == 404
    after = reader(app, "once@example.com")
    assert after is not None and after.status == "unsubscribed"
