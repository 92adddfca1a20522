"""A real SMTP server (aiosmtpd) on loopback that keeps what it accepts, with scripted answers and hooks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.e2e import free_port


@dataclass
class Mailbox:
    """What the server accepted, and how it should answer.

    ``replies[address]``: answers to the end of that reader's message, used up in order ("451 …", "550 …");
    ``refusals[(command, address)]``: answers to ``MAIL`` (address ``*``: the next one), ``RCPT`` or the
    ``DATA`` command itself, before any content, used up in order;
    ``on_rcpt`` / ``on_data``: called with the reader's address and the count of messages seen so far.
    ``smtputf8``: whether the server offers SMTPUTF8 (off, as on many servers).
    """

    received: list[tuple[str, bytes]] = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    refusals: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (command, address, answer) given
    smtputf8: bool = False
    on_rcpt: Callable[[str, int], None] | None = None
    on_data: Callable[[str, int], None] | None = None
    connections: int = 0
    port: int = 0

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def copies(self) -> Counter[str]:
        return Counter(rcpt for rcpt, _ in self.received)

    def messages(self) -> list[EmailMessage]:
        out = []
        for _, data in self.received:
            parsed = message_from_bytes(data, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            out.append(parsed)
        return out

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    def refusal(self, command: str, address: str) -> str | None:
        scripted = self.refusals.get((command, address))
        if not scripted:
            return None
        answer = scripted.pop(0)
        self.refused.append((command, address, answer))
        return answer

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        answer = self.refusal("MAIL", "*")
        if answer is not None:
            return answer
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        answer = self.refusal("RCPT", address)
        if answer is not None:
            return answer
        if self.on_rcpt is not None:
            self.on_rcpt(address, len(self.received))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        (rcpt,) = envelope.rcpt_tos
        scripted = self.replies.get(rcpt)
        if scripted:
            answer = scripted.pop(0)
            if not answer.startswith("2"):
                return answer
        self.received.append((rcpt, envelope.original_content))
        if self.on_data is not None:
            self.on_data(rcpt, len(self.received))
        return "250 2.0.0 queued"


class _Server(SMTP):
    """aiosmtpd's server, answering the ``DATA`` command itself as the mailbox scripts."""

    async def smtp_DATA(self, arg: str) -> None:
        box = self.event_handler
        if self.envelope is not None and self.envelope.rcpt_tos:
            answer = box.refusal("DATA", self.envelope.rcpt_tos[0])
            if answer is not None:
                await self.push(answer)
                return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Server(self.handler, **self.SMTP_kwargs)


@contextmanager
def smtp_server(*, smtputf8: bool = False) -> Iterator[Mailbox]:
    box = Mailbox(port=free_port(), smtputf8=smtputf8)
    controller = _Controller(box, hostname="127.0.0.1", port=box.port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
