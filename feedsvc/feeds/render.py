"""Feed records to bytes. Same records in, same bytes out: no clock is read here."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

from feedgen.feed import FeedGenerator
from lxml import etree

from ..errors import FeedsvcError
from .content import plain_name, xml_text
from .model import Feed

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
GENERATOR = "feedsvc"


UNTITLED = "(untitled)"
# IPTC Media Topic codes as news agencies publish them: the term is the code, the scheme its vocabulary.
IPTC_PREFIX = "medtop:"
IPTC_SCHEME = "http://cv.iptc.org/newscodes/mediatopic/"


def _clean(feed: Feed) -> Feed:
    """Every text of the feed as XML 1.0 can carry it, with a title wherever formats require one."""
    entries = tuple(replace(
        e, title=xml_text(e.title).strip() or UNTITLED,
        summary=xml_text(e.summary).strip() or None if e.summary else None,
        content_html=xml_text(e.content_html) or None if e.content_html else None,
        authors=tuple(a for a in (plain_name(a) for a in e.authors) if a),
        categories=tuple((xml_text(slug), xml_text(label).strip() or xml_text(slug)) for slug, label in e.categories),
        subjects=tuple((xml_text(code), xml_text(label).strip() or xml_text(code)) for code, label in e.subjects),
    ) for e in feed.entries)
    title = xml_text(feed.title).strip() or UNTITLED
    return replace(feed, title=title, subtitle=xml_text(feed.subtitle).strip() or title, entries=entries)


def _generator(feed: Feed) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)
    fg.link(href=feed.self_url, rel="self")
    fg.link(href=feed.home_url, rel="alternate")
    fg.language(feed.language)
    fg.updated(feed.updated)
    fg.lastBuildDate(feed.updated)
    fg.generator(GENERATOR)
    fg.author(name="feedsvc")
    fg.ttl(feed.ttl_minutes)
    for entry in reversed(feed.entries):  # feedgen prepends each new entry
        fe = fg.add_entry()
        fe.id(entry.id)
        fe.guid(entry.id, permalink=False)
        fe.title(entry.title)
        fe.link(href=entry.link, rel="alternate")
        fe.updated(entry.updated)
        if entry.published:
            fe.published(entry.published)
            fe.pubDate(entry.published)
        if entry.summary:
            fe.summary(entry.summary)  # RSS description too
        if entry.content_html:
            fe.content(entry.content_html, type="html")
        for author in entry.authors:
            fe.author(name=author)
            fe.dc.dc_creator(author)
        for slug, label in entry.categories:
            fe.category(term=slug, label=label)
        for code, _ in entry.subjects:  # no label: RSS would print it in place of the code
            fe.category(term=code.removeprefix(IPTC_PREFIX), scheme=IPTC_SCHEME)
    return fg


def _as_html(el: etree._Element | None, *, typed: bool) -> None:
    """Plain text written as HTML that shows that text: readers treat these elements as HTML anyway, and a
    ``<`` or ``&`` in a headline must show as itself, never as markup (Atom says so with ``type="html"``)."""
    if el is None:
        return
    el.text = html.escape(el.text or "", quote=False)
    if typed:
        el.set("type", "html")


def _hex_refs(document: bytes) -> bytes:
    """``&`` and ``<`` in character data as hexadecimal references, as the RSS profile advises: the same XML,
    and no reader or validator mistakes an escaped ``&amp;`` in a name for an HTML entity. (The serialiser
    writes no CDATA or comments, so every ``&amp;`` and ``&lt;`` is a character reference.)"""
    return document.replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")


def _add_links(root: etree._Element, parent: etree._Element, feed: Feed) -> bytes:
    """Add the feed's links (and the archive marker) among its head elements, before the first entry."""
    first = next((i for i, child in enumerate(parent) if child.tag in ("item", f"{{{ATOM_NS}}}entry")), len(parent))
    added: list[etree._Element] = []
    for link in feed.links:
        el = etree.Element(f"{{{ATOM_NS}}}link", rel=link.rel, href=link.href)
        if link.type:
            el.set("type", link.type)
        added.append(el)
    if feed.archive:
        added.append(etree.Element(f"{{{HISTORY_NS}}}archive"))
    for n, el in enumerate(added):
        parent.insert(first + n, el)
    etree.cleanup_namespaces(root, top_nsmap={"atom": ATOM_NS, "fh": HISTORY_NS} if feed.archive
                             else {"atom": ATOM_NS})
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def rss(feed: Feed) -> bytes:
    """RSS 2.0 with atom:link self (and hub, archive links), guids that are not permalinks, content:encoded."""
    feed = _clean(feed)
    fg = _generator(feed)
    root = etree.fromstring(fg.rss_str(pretty=False))
    channel = root.find("channel")
    if channel is None:
        raise FeedsvcError("feedgen wrote RSS without a <channel>")
    _as_html(channel.find("title"), typed=False)
    _as_html(channel.find("description"), typed=False)
    for item in channel.findall("item"):
        for author in item.findall("author"):
            item.remove(author)  # RSS author must be an e-mail address; dc:creator carries the name
        _as_html(item.find("title"), typed=False)
        _as_html(item.find("description"), typed=False)
    return _hex_refs(_add_links(root, channel, feed))


def atom(feed: Feed) -> bytes:
    """Atom 1.0 (RFC 4287), with RFC 5005 archive links when present."""
    feed = _clean(feed)
    fg = _generator(feed)
    root = etree.fromstring(fg.atom_str(pretty=False))
    for el in (root.find(f"{{{ATOM_NS}}}title"), root.find(f"{{{ATOM_NS}}}subtitle"),
               *root.iterfind(f"{{{ATOM_NS}}}entry/{{{ATOM_NS}}}title"),
               *root.iterfind(f"{{{ATOM_NS}}}entry/{{{ATOM_NS}}}summary")):
        _as_html(el, typed=True)
    return _hex_refs(_add_links(root, root, feed))


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_feed(feed: Feed) -> bytes:
    """JSON Feed 1.1."""
    feed = _clean(feed)
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.subtitle,
        "language": feed.language,
        "authors": [{"name": "feedsvc"}],
    }
    hub = next((link for link in feed.links if link.rel == "hub"), None)
    if hub:
        doc["hubs"] = [{"type": "WebSub", "url": hub.href}]
    prev = next((link for link in feed.links if link.rel == "prev-archive"), None)
    if prev:
        doc["next_url"] = prev.href  # JSON Feed's own pagination: the page of older items
    items = []
    for e in feed.entries:
        item: dict[str, object] = {"id": e.id, "url": e.link, "title": e.title}
        if e.content_html:
            item["content_html"] = e.content_html
        else:
            item["content_text"] = e.summary or e.title
        if e.summary:
            item["summary"] = e.summary
        if e.published:
            item["date_published"] = _rfc3339(e.published)
        item["date_modified"] = _rfc3339(e.updated)
        if e.authors:
            item["authors"] = [{"name": a} for a in e.authors]
        if e.categories:
            item["tags"] = [label for _, label in e.categories]
        items.append(item)
    doc["items"] = items
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def opml(title: str, outlines: list[tuple[str, str, str]], created: datetime) -> bytes:
    """OPML 2.0 listing feeds as (title, xml_url, html_url)."""
    rows = "\n".join(
        f'    <outline type="rss" text={quoteattr(xml_text(t))} title={quoteattr(xml_text(t))} '
        f"xmlUrl={quoteattr(x)} htmlUrl={quoteattr(h)}/>"
        for t, x, h in outlines)
    stamp = created.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
            f"    <title>{html.escape(xml_text(title))}</title>\n    <dateCreated>{stamp}</dateCreated>\n  </head>\n"
            f"  <body>\n{rows}\n  </body>\n</opml>\n").encode()
