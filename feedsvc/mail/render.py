"""A digest as an email: plain text from its own template, then inlined HTML, with list headers.

Pure: the same digest and recipient give the same bytes (the Date header is the digest's build time).
"""

from __future__ import annotations

import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from html import escape
from typing import cast
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import resources, urls
from ..digests import build as digest_build
from ..digests.model import Digest, Section, Story
from ..store.digests import DigestRecord
from ..subscribers import tokens
from ..subscribers.subscription import ascii_address
from ..topics.sources import Sources
from ..topics.taxonomy import Taxonomy

# CRLF line ends for SMTP; headers folded only past RFC 5322's 998-character limit, so a subject stays whole.
POLICY = policy.SMTP.clone(max_line_length=998)
MAX_STORIES = 20
MAX_ALSO = 3  # other headlines shown under a story's lead; the rest are counted, and all are on the web
MAX_POINTERS = 3  # stories of a section's topic shown under another section, named in its own section
MAX_HTML_BYTES = 95_000  # Gmail clips messages over 102 KB
SUBJECT_MAX = 150
_ENV = Environment(loader=FileSystemLoader(str(resources.templates() / "email")),
                   autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_ENV.globals["urls"] = urls
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Addressing:
    """Who sends to whom, and the recipient's own unsubscribe addresses."""

    sender: str  # "feedsvc <digest@news.example.org>"
    recipient: str
    unsubscribe_url: str  # HTTPS, one click by POST (RFC 8058)
    unsubscribe_mailto: str  # mailto:…
    preferences_url: str = ""


def addressing(email: str, subscriber_id: int, *, sender: str, base_url: str, secret: str) -> Addressing:
    """A subscriber's addressing, with an unsubscribe link signed for them alone."""
    token = tokens.make(secret, tokens.UNSUBSCRIBE, subscriber_id)
    domain = urlsplit(base_url).hostname or "localhost"
    return Addressing(sender=sender, recipient=email, unsubscribe_url=urls.unsubscribe(token, base_url),
                      unsubscribe_mailto=f"mailto:unsubscribe@{domain}?subject=unsubscribe%20{token}",
                      preferences_url=urls.preferences(tokens.make(secret, tokens.PREFERENCES, subscriber_id), base_url))


def _budget(d: Digest, max_stories: int) -> tuple[tuple[Section, ...], tuple[tuple[Section, int], ...]]:
    """The sections cut to ``max_stories`` stories in all, and how many each had left out.

    Stories are kept a round at a time, each section's best first, so every section keeps its lead story
    while there is room for one each.
    """
    keep = [0] * len(d.sections)
    room = max_stories
    while room > 0 and any(k < len(s.stories) for k, s in zip(keep, d.sections, strict=True)):
        for n, section in enumerate(d.sections):
            if room > 0 and keep[n] < len(section.stories):
                keep[n] += 1
                room -= 1
    pairs = list(zip(d.sections, keep, strict=True))
    kept = tuple(Section(s.topic, s.title, s.stories[:k], s.elsewhere) for s, k in pairs if k or s.elsewhere)
    return kept, tuple((s, len(s.stories) - k) for s, k in pairs if len(s.stories) > k)


def _other_topics(d: Digest, base_url: str, archive: str) -> Callable[[Story, Section], list[tuple[str, str]]]:
    """A story's topics besides the one it is shown under, with where each is read: that section of the web
    digest in the all-topics digest, else the topic's page."""
    def others(story: Story, section: Section) -> list[tuple[str, str]]:
        if d.topic == "all":
            return [(t, f"{archive}#s-{t}") for t in story.topics if t != section.topic]
        return [(t, urls.topic(t, base_url)) for t in story.topics if t != section.topic]
    return others


def _clock(zone: tzinfo, day: str) -> Callable[[str], str]:
    """A story's time as the reader reads it: the hour in their zone, with the date when it is another day."""
    def clock(iso: str) -> str:
        local = datetime.fromisoformat(iso).astimezone(zone)
        return f"{local:%H:%M}" if local.date().isoformat() == day else f"{local.day} {local:%b %H:%M}"
    return clock


def _subject(title: str, d: Digest) -> str:
    stories = [st for s in d.sections for st in s.stories]
    top = max(stories, key=lambda st: (len(st.lines), st.lead.published, st.lead.public_id), default=None)
    subject = f"{title}: {top.lead.title}" if top else title
    return subject if len(subject) <= SUBJECT_MAX else subject[:SUBJECT_MAX - 1].rstrip() + "…"


def message_id(topic: str, day: str, recipient: str, domain: str) -> str:
    """The Message-ID of one reader's copy of one digest: the same however often it is made."""
    person = hashlib.sha256(recipient.lower().encode("utf-8")).hexdigest()[:16]
    return f"<digest.{topic}.{day}.{person}@{domain}>"


# Stand-ins for what differs between readers: the digest is rendered and inlined once, then each reader's
# copy is these strings replaced. They are plain ASCII words, so escaping and inlining leave them alone.
_SLOTS = {"recipient": "feedsvc-slot-recipient", "unsubscribe_url": "feedsvc-slot-unsubscribe",
          "unsubscribe_mailto": "feedsvc-slot-mailto", "preferences_url": "feedsvc-slot-preferences"}


_PLAIN_VALUE = re.compile(r"[\x21-\x7e][\x20-\x7e]{0,900}")  # printable ASCII: written as it is
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


@lru_cache(maxsize=256)
def _formatted(name: str, value: str) -> bytes:
    """One header line as the email package writes it (encoded words, quoting, folding)."""
    message = EmailMessage(policy=POLICY)
    message[name] = value
    return message.as_bytes().rstrip(b"\r\n") + b"\r\n"


def _header(name: str, value: str, *, address: bool = False) -> bytes:
    """A header line; printable ASCII values (and bare addresses) need no encoding and are written as they are."""
    if (_ADDRESS.fullmatch(value) if address else _PLAIN_VALUE.fullmatch(value) and name != "From"):
        return f"{name}: {value}\r\n".encode("ascii")
    return _formatted(name, value)


def _to(recipient: str) -> bytes:
    """The To line: the address in ASCII where it has an ASCII form (IDNA domain), else as UTF-8 (RFC 6532,
    sent only to servers that offer SMTPUTF8); never encoded words, which are not allowed inside an address."""
    plain = ascii_address(recipient)
    if plain is not None:
        return _header("To", plain, address=True)
    return f"To: {recipient}\r\n".encode()


def _part(subtype: str, content: str) -> bytes:
    # binascii's quoted-printable encoder (C) keeps every line under 76 characters and never writes "=_",
    # so the boundaries below, which start with "=_", cannot occur in the parts.
    body = binascii.b2a_qp(content.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    return (f"Content-Type: text/{subtype}; charset=\"utf-8\"\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode("ascii") + body


@dataclass(frozen=True)
class Prepared:
    """A digest rendered once for all its readers; ``message_bytes`` makes one reader's copy.

    Rendering and inlining happen once per digest; a reader's copy is the slots replaced and the parts
    encoded, in well under a millisecond.
    """

    subject: str
    text: str
    html: str
    date: str
    topic: str
    day: str
    domain: str
    list_id: str
    list_archive: str

    def message_id(self, recipient: str) -> str:
        return message_id(self.topic, self.day, recipient, self.domain)

    def message_bytes(self, to: Addressing) -> bytes:
        """One reader's copy: multipart/alternative (text, then HTML) with CRLF line ends, ready for SMTP."""
        text, html = self.text, self.html
        for field, slot in _SLOTS.items():
            value = getattr(to, field)
            text = text.replace(slot, value)
            html = html.replace(slot, escape(value))
        # A boundary made from the parts, not at random: the same digest for the same reader is the same bytes.
        boundary = "=_" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24]
        head = b"".join((
            _header("From", to.sender), _to(to.recipient), _header("Subject", self.subject),
            _header("Date", self.date), _header("Message-ID", self.message_id(to.recipient)),
            _header("List-Id", self.list_id), _header("List-Archive", self.list_archive),
            _header("List-Unsubscribe", f"<{to.unsubscribe_url}>, <{to.unsubscribe_mailto}>"),
            _header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            b"MIME-Version: 1.0\r\n",
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii")))
        mark = f"--{boundary}\r\n".encode("ascii")
        return b"".join((head, mark, _part("plain", text), b"\r\n", mark, _part("html", html),
                         f"\r\n--{boundary}--\r\n".encode("ascii")))

    def message(self, to: Addressing) -> EmailMessage:
        """The same copy as a parsed message, for previews and checks."""
        parsed = message_from_bytes(self.message_bytes(to), policy=POLICY)
        return cast(EmailMessage, parsed)  # what an EmailPolicy always builds


def prepare(record: DigestRecord, *, taxonomy: Taxonomy, sources: Sources, base_url: str,
            max_stories: int = MAX_STORIES, zone: tzinfo = UTC) -> Prepared:
    """Render a digest's text and inlined HTML once for the readers in ``zone``, under Gmail's clipping size,
    with reader slots."""
    d = record.digest
    title = digest_build.title(d, taxonomy)
    archive = urls.digest(d.topic, d.day, base_url)
    domain = urlsplit(base_url).hostname or "localhost"
    slots = Addressing(sender="", **_SLOTS)
    while True:
        sections, left = _budget(d, max_stories)
        context = {"title": title, "digest": d, "sections": sections, "left": left,
                   "more": sum(n for _, n in left), "archive": archive, "base_url": base_url, "sources": sources,
                   "to": slots, "also_max": MAX_ALSO, "clock": _clock(zone, d.day), "zone": str(zone),
                   "others": _other_topics(d, base_url, archive), "pointers_max": MAX_POINTERS,
                   "labels": {t.slug: t.title for t in taxonomy.topics} | {"other": "Other"},
                   "preheader": " · ".join(st.lead.title for s in sections for st in s.stories[:3])[:140]}
        html = _INLINER.inline(_ENV.get_template("digest.html").render(**context))
        if len(html.encode("utf-8")) <= MAX_HTML_BYTES or max_stories <= 1:
            break
        max_stories = max(1, max_stories * 3 // 4)
    text = _ENV.get_template("digest.txt").render(**context)
    return Prepared(subject=_subject(title, d), text=text, html=html, date=format_datetime(record.built_at),
                    topic=d.topic, day=d.day, domain=domain,
                    list_id=f"{title.split(',')[0]} <{d.topic}.digest.{domain}>",
                    list_archive=f"<{urls.digests(base_url)}>")


def digest_email(record: DigestRecord, to: Addressing, *, taxonomy: Taxonomy, sources: Sources, base_url: str,
                 max_stories: int = MAX_STORIES, zone: tzinfo = UTC) -> EmailMessage:
    """The digest as multipart/alternative (text, then HTML) with List-* headers; under Gmail's clipping size."""
    return prepare(record, taxonomy=taxonomy, sources=sources, base_url=base_url,
                   max_stories=max_stories, zone=zone).message(to)


def bare_address(mailbox: str) -> str:
    """``digest@news.example.org`` from ``News digest <digest@news.example.org>``."""
    return parseaddr(mailbox)[1]


def confirmation_email(email: str, link: str, *, sender: str, base_url: str, hours: int) -> EmailMessage:
    """The double opt-in message: the link opens a page whose button confirms."""
    domain = urlsplit(base_url).hostname or "localhost"
    context = {"link": link, "hours": hours, "base_url": base_url}
    plain = ascii_address(email)
    message = EmailMessage(policy=POLICY if plain is not None else POLICY.clone(utf8=True))
    message["From"] = sender
    message["To"] = plain or email
    message["Subject"] = "Confirm your digest subscription"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid("confirm", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_ENV.get_template("confirm.txt").render(**context), subtype="plain", charset="utf-8")
    html = _INLINER.inline(_ENV.get_template("confirm.html").render(**context))
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message
