"""A digest as an email: plain text from its own template, then inlined HTML, with list headers.

Pure: the same digest and recipient give the same bytes (the Date header is the digest's build time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from html import escape
from urllib.parse import urlsplit

import css_inline
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import ROOT, tokens
from ..digest import build as digest_build
from ..digest.model import Digest, Section
from ..ingest.sources import Sources
from ..ingest.topics import Taxonomy
from ..store.digests import DigestRecord

# CRLF line ends for SMTP; headers folded only past RFC 5322's 998-character limit, so a subject stays whole.
POLICY = policy.SMTP.clone(max_line_length=998)
MAX_STORIES = 20
MAX_HTML_BYTES = 95_000  # Gmail clips messages over 102 KB
SUBJECT_MAX = 150
_ENV = Environment(loader=FileSystemLoader(str(ROOT / "templates" / "email")),
                   autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
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
    return Addressing(sender=sender, recipient=email, unsubscribe_url=f"{base_url}/unsubscribe/{token}",
                      unsubscribe_mailto=f"mailto:unsubscribe@{domain}?subject=unsubscribe%20{token}",
                      preferences_url=f"{base_url}/preferences/{tokens.make(secret, tokens.PREFERENCES, subscriber_id)}")


def _budget(d: Digest, max_stories: int) -> tuple[tuple[Section, ...], int]:
    """The sections cut to ``max_stories`` stories in all, and how many stories were left out."""
    kept: list[Section] = []
    room = max_stories
    for section in d.sections:
        if room <= 0:
            break
        kept.append(Section(section.topic, section.title, section.stories[:room]))
        room -= len(kept[-1].stories)
    return tuple(kept), d.story_count - sum(len(s.stories) for s in kept)


def _subject(title: str, d: Digest) -> str:
    leads = [st.lead.title for s in d.sections for st in s.stories]
    subject = f"{title}: {leads[0]}" if leads else title
    return subject if len(subject) <= SUBJECT_MAX else subject[:SUBJECT_MAX - 1].rstrip() + "…"


def message_id(topic: str, day: str, recipient: str, domain: str) -> str:
    """The Message-ID of one reader's copy of one digest: the same however often it is made."""
    person = hashlib.sha256(recipient.lower().encode("utf-8")).hexdigest()[:16]
    return f"<digest.{topic}.{day}.{person}@{domain}>"


# Stand-ins for what differs between readers: the digest is rendered and inlined once, then each reader's
# copy is these strings replaced. They are plain ASCII words, so escaping and inlining leave them alone.
_SLOTS = {"recipient": "feedsvc-slot-recipient", "unsubscribe_url": "feedsvc-slot-unsubscribe",
          "unsubscribe_mailto": "feedsvc-slot-mailto", "preferences_url": "feedsvc-slot-preferences"}


@dataclass(frozen=True)
class Prepared:
    """A digest rendered once for all its readers; ``message`` makes one reader's copy."""

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

    def message(self, to: Addressing) -> EmailMessage:
        text, html = self.text, self.html
        for field, slot in _SLOTS.items():
            value = getattr(to, field)
            text = text.replace(slot, value)
            html = html.replace(slot, escape(value))
        message = EmailMessage(policy=POLICY)
        message["From"] = to.sender
        message["To"] = to.recipient
        message["Subject"] = self.subject
        message["Date"] = self.date
        message["Message-ID"] = self.message_id(to.recipient)
        message["List-Id"] = self.list_id
        message["List-Archive"] = self.list_archive
        message["List-Unsubscribe"] = f"<{to.unsubscribe_url}>, <{to.unsubscribe_mailto}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text, subtype="plain", charset="utf-8")
        message.add_alternative(html, subtype="html", charset="utf-8")
        # A boundary made from the parts, not at random: the same digest for the same reader is the same bytes.
        message.set_boundary("=_" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:24])
        return message


def prepare(record: DigestRecord, *, taxonomy: Taxonomy, sources: Sources, base_url: str,
            max_stories: int = MAX_STORIES) -> Prepared:
    """Render a digest's text and inlined HTML once, under Gmail's clipping size, with reader slots."""
    d = record.digest
    title = digest_build.title(d, taxonomy)
    archive = f"{base_url}/digests/{d.topic}/{d.day}"
    domain = urlsplit(base_url).hostname or "localhost"
    slots = Addressing(sender="", **_SLOTS)
    while True:
        sections, more = _budget(d, max_stories)
        context = {"title": title, "digest": d, "sections": sections, "more": more, "archive": archive,
                   "base_url": base_url, "sources": sources, "to": slots,
                   "preheader": " · ".join(st.lead.title for s in sections for st in s.stories[:3])[:140]}
        html = _INLINER.inline(_ENV.get_template("digest.html").render(**context))
        if len(html.encode("utf-8")) <= MAX_HTML_BYTES or max_stories <= 1:
            break
        max_stories = max(1, max_stories * 3 // 4)
    text = _ENV.get_template("digest.txt").render(**context)
    return Prepared(subject=_subject(title, d), text=text, html=html, date=format_datetime(record.built_at),
                    topic=d.topic, day=d.day, domain=domain,
                    list_id=f"{title.split(',')[0]} <{d.topic}.digest.{domain}>",
                    list_archive=f"<{base_url}/digests/>")


def digest_email(record: DigestRecord, to: Addressing, *, taxonomy: Taxonomy, sources: Sources, base_url: str,
                 max_stories: int = MAX_STORIES) -> EmailMessage:
    """The digest as multipart/alternative (text, then HTML) with List-* headers; under Gmail's clipping size."""
    return prepare(record, taxonomy=taxonomy, sources=sources, base_url=base_url,
                   max_stories=max_stories).message(to)


def bare_address(mailbox: str) -> str:
    """``digest@news.example.org`` from ``News digest <digest@news.example.org>``."""
    return parseaddr(mailbox)[1]


def confirmation_email(email: str, link: str, *, sender: str, base_url: str, hours: int) -> EmailMessage:
    """The double opt-in message: the link opens a page whose button confirms."""
    domain = urlsplit(base_url).hostname or "localhost"
    context = {"link": link, "hours": hours, "base_url": base_url}
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = email
    message["Subject"] = "Confirm your digest subscription"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid("confirm", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_ENV.get_template("confirm.txt").render(**context), subtype="plain", charset="utf-8")
    html = _INLINER.inline(_ENV.get_template("confirm.html").render(**context))
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message
