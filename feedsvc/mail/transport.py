"""Where messages go: an SMTP server over one reused connection, or an outbox folder of ``.eml`` files.

Both hand a message over in two steps around a ``claim`` callback, so the delivery ledger can record the
moment after which the message may have been delivered:

- SMTP: envelope, ``DATA`` and the whole content are sent first; ``claim`` runs just before the final
  ``.`` line. A server discards a message whose terminating dot never came, so a sender killed before the
  claim has delivered nothing. When ``claim`` says no (another sender has the row, or the reader has just
  unsubscribed), the connection is dropped mid-message and the server discards it.
- Outbox: the file is written under a temporary name and synced; ``claim`` runs before the rename to its
  final name, and whether that name exists tells afterwards whether the message was delivered.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import dkim

from ..errors import ConfigError, DeliveryError
from ..subscribers.subscription import ascii_address

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
_DOT_LINES = re.compile(rb"(?m)^\.")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(frozen=True)
class Envelope:
    sender: str  # bare address for MAIL FROM
    recipient: str
    message_id: str


@dataclass(frozen=True)
class Outcome:
    """What became of one message.

    status: "sent"; "retry" (4xx, try again later); "failed" (5xx); "unknown" (the connection broke after
    the message was complete: the server may have it); "lost" (``claim`` said no, nothing was delivered).
    """

    status: str
    reply: str = ""


class Transport(Protocol):
    def send(self, envelope: Envelope, data: bytes, claim: Callable[[], bool]) -> Outcome: ...

    def delivered(self, message_id: str) -> bool | None:
        """Whether a message handed over by a sender that died is known to have arrived (None: cannot tell)."""

    def close(self) -> None: ...


def _by_code(code: int, reply: bytes | str) -> Outcome:
    text = f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}".strip()
    if 200 <= code < 300:
        return Outcome("sent", text)
    return Outcome("retry" if 400 <= code < 500 else "failed", text)


class SmtpTransport:
    """One connection reused for up to ``batch`` messages, then closed and opened again."""

    def __init__(self, url: str, *, batch: int = 200, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ConfigError(f"FEEDSVC_SMTP_URL: {url!r} is not smtp://, smtp+starttls:// or smtps:// host[:port]")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password or "")
        self.batch, self.timeout = batch, timeout
        self.connections = 0  # how many were opened: one per batch
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_this = 0

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and self._sent_on_this >= self.batch:
            self.close()
        if self._smtp is None:
            try:
                if self.scheme == "smtps":
                    smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                          context=ssl.create_default_context())
                else:
                    smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                # The final dot goes out as a small write after the content: without this, Nagle's algorithm
                # holds it until the server's delayed ACK, some 40 ms per message.
                if smtp.sock is not None:
                    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                smtp.ehlo()
                if self.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password)
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryError(f"mail server {self.host}:{self.port} unavailable: {exc}") from None
            self._smtp, self._sent_on_this = smtp, 0
            self.connections += 1
        return self._smtp

    def _drop(self) -> None:
        """Close without QUIT: mid-message, the server then discards what it has of the message."""
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def send(self, envelope: Envelope, data: bytes, claim: Callable[[], bool]) -> Outcome:
        smtp = self._connection()
        sender, recipient = ascii_address(envelope.sender), ascii_address(envelope.recipient)
        options = []
        if sender is None or recipient is None:
            if not smtp.has_extn("smtputf8"):  # this message fails alone; the run goes on
                return Outcome("failed", f"{self.host} does not offer SMTPUTF8, needed for the non-ASCII "
                                         f"address {envelope.recipient if recipient is None else envelope.sender}")
            options, sender, recipient = ["SMTPUTF8"], envelope.sender, envelope.recipient
        try:
            code, reply = smtp.mail(sender, options)
            if code == 250:
                code, reply = smtp.rcpt(recipient)
            if code in (250, 251):
                code, reply = smtp.docmd("DATA")
            if code != 354:
                if code == 421:  # the server is closing the connection
                    self._drop()
                else:
                    smtp.rset()
                refusal = _by_code(code, reply)
                # Nothing was handed over: only a 5xx is final; anything else unexpected is tried again later.
                return refusal if refusal.status == "failed" else Outcome("retry", refusal.reply)
            content = _DOT_LINES.sub(b"..", data)
            smtp.send(content if content.endswith(b"\r\n") else content + b"\r\n")
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise DeliveryError(f"mail server {self.host}:{self.port} connection lost: {exc}") from None
        if not claim():
            self._drop()
            return Outcome("lost")
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return Outcome("unknown", f"connection lost after the message was complete: {exc}")
        self._sent_on_this += 1
        return _by_code(code, reply)

    def delivered(self, message_id: str) -> bool | None:
        return None  # SMTP gives no way to ask a server what it received

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


class OutboxTransport:
    """Messages as ``<Message-ID>.eml`` files in a folder: for a laptop with no mail server."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def path_for(self, message_id: str) -> Path:
        return self.folder / (_UNSAFE_NAME.sub("_", message_id.strip("<>")) + ".eml")

    def send(self, envelope: Envelope, data: bytes, claim: Callable[[], bool]) -> Outcome:
        final = self.path_for(envelope.message_id)
        partial = final.with_suffix(".eml.part")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not claim():
            partial.unlink(missing_ok=True)
            return Outcome("lost")
        os.replace(partial, final)
        return Outcome("sent", f"written to {final}")

    def delivered(self, message_id: str) -> bool | None:
        return self.path_for(message_id).exists()

    def close(self) -> None:
        pass


class Signer:
    """DKIM signatures (RSA-SHA256, relaxed/relaxed) over the headers readers and filters look at."""

    HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"list-id", b"list-unsubscribe",
               b"list-unsubscribe-post", b"mime-version", b"content-type")

    def __init__(self, key_file: Path, *, selector: str, domain: str) -> None:
        try:
            self.key = key_file.read_bytes()
        except OSError as exc:
            raise ConfigError(f"FEEDSVC_DKIM_KEY_FILE: cannot read {key_file}: {exc.strerror}") from None
        self.selector, self.domain = selector.encode("ascii"), domain.encode("idna")
        try:
            self.sign(b"From: check@" + self.domain + b"\r\nSubject: key check\r\n\r\nkey check\r\n")
        except dkim.DKIMException as exc:
            raise ConfigError(f"FEEDSVC_DKIM_KEY_FILE: {key_file} is not a usable private key: {exc}") from None

    def sign(self, data: bytes) -> bytes:
        header = dkim.sign(data, self.selector, self.domain, self.key, include_headers=list(self.HEADERS),
                           canonicalize=(b"relaxed", b"relaxed"))
        return header + data
