"""Text made safe for XML, and item HTML made safe for any reader."""

from __future__ import annotations

import html
import re

import nh3

# Characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/U+FFFF): never reach a feed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TAGS = {"p", "br", "figure", "figcaption", "blockquote", "em", "strong", "a", "ul", "ol", "li", "small", "b", "i"}


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry removed."""
    return _NOT_XML.sub("", text)


_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain_name(text: str) -> str:
    """A person's or an agency's name without anything shaped like a markup tag: names never carry markup,
    and readers show some name fields as HTML."""
    return " ".join(_TAG.sub(" ", xml_text(text)).split())


def sanitize(fragment: str) -> str:
    """HTML that every reader can show safely: a small set of tags, no scripts, styles or event handlers."""
    return xml_text(nh3.clean(xml_text(fragment), tags=_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                              link_rel="noopener noreferrer"))


def article_html(lede: str | None, body: list[str], captions: list[dict[str, str | None]],
                 dateline: str | None) -> str:
    """An article's full text as HTML: lede, captions as figures, then the body paragraphs."""
    parts: list[str] = []
    if lede:
        parts.append(f"<p><strong>{html.escape(lede)}</strong></p>")
    for cap in captions:
        text = html.escape(cap.get("text") or "")
        credit = f" <small>© {html.escape(cap.get('credit') or '')}</small>" if cap.get("credit") else ""
        parts.append(f"<figure><figcaption>{text}{credit}</figcaption></figure>")
    for n, paragraph in enumerate(body):
        prefix = f"<b>{html.escape(dateline)}</b> " if n == 0 and dateline else ""
        parts.append(f"<p>{prefix}{html.escape(paragraph)}</p>")
    return sanitize("\n".join(parts))
