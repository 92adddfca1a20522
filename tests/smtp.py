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

from tests.e2e import free_port


@dataclass
class Mailbox:
    """What the server accepted, and how it should answer.

    ``replies[address]``: answers to the end of that reader's message, used up in order ("451 …", "550 …");
    ``on_rcpt`` / ``on_data``: called with the reader's address and the count of messages seen so far.
    """

    received: list[tuple[str, bytes]] = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
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

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
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


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
