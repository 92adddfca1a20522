"""Store rows to feed records: what every format shows of a topic."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from .. import urls
from ..digests import build as digest_build
from ..store.digests import DigestRecord
from ..store.queries import ItemRow
from ..topics.sources import Sources
from ..topics.taxonomy import Taxonomy
from . import summary
from .content import article_html, sanitize
from .model import Entry, Feed, Link

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
FORMATS = {"xml": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}


@dataclass(frozen=True)
class Query:
    """A feed request with its parameters in canonical form: the self link and the cache key."""

    topic: str  # a topic slug or "all"
    limit: int = DEFAULT_LIMIT
    q: str = ""
    source: str = ""

    @classmethod
    def parse(cls, topic: str, args: dict[str, str]) -> Query:
        try:
            limit = int(args.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = DEFAULT_LIMIT
        q = " ".join(str(args.get("q", "")).split())[:200]
        source = str(args.get("source", "")).strip().lower()[:64]
        return cls(topic, max(1, min(limit, MAX_LIMIT)), q, source)

    def query_string(self) -> str:
        pairs = [(k, v) for k, v in (("limit", self.limit if self.limit != DEFAULT_LIMIT else ""),
                                     ("q", self.q), ("source", self.source)) if v != ""]
        return ("?" + urlencode(pairs)) if pairs else ""

    def path(self, fmt: str) -> str:
        return urls.feed(self.topic, fmt, query=self.query_string())


def entry(row: ItemRow, base_url: str, taxonomy: Taxonomy, sources: Sources,
          related: Sequence[ItemRow] = ()) -> Entry:
    source_name = sources.name(row.source)
    authors = (row.byline,) if row.byline else ((source_name,) if source_name else ())
    content = None
    if row.kind == "article":
        dateline = None
        if row.dateline_place:
            dateline = f"{row.dateline_place}{' (' + row.dateline_agency + ')' if row.dateline_agency else ''} —"
        content = article_html(row.lede, list(row.body), [dict(c) for c in row.captions], dateline)
    labels = {t.slug: t.title for t in taxonomy.topics}
    codes = {t.slug: t.iptc for t in taxonomy.topics if t.iptc}
    zone = sources.zone(row.source)
    return Entry(
        id=row.uid, title=row.title, link=urls.item(row.kind, row.public_id, base_url), published=row.published,
        updated=row.revised, summary=summary.text(row, source_name=sources.name, zone=zone, labels=labels,
                                                  related=related),
        content_html=content, authors=authors, categories=tuple((t, labels.get(t, t)) for t in row.topics),
        subjects=tuple((codes[t], labels.get(t, t)) for t in row.topics if t in codes),
        day=summary.source_day(row, zone),
    )


def feed(query: Query, fmt: str, rows: Sequence[ItemRow], *, base_url: str, authority: str, taxonomy: Taxonomy,
         sources: Sources, ttl_minutes: int, hub: str | None = None, prev_archive: int | None = None) -> Feed:
    """The feed of one query in one format (the self link names the format).

    ``prev_archive`` is the newest RFC 5005 archive page, when there is one.
    """
    topic = taxonomy.get(query.topic)
    title = topic.title if topic else "All topics"
    description = topic.description if topic else "Every article and headline."
    if query.q:
        title = f"{title}: “{query.q}”"
    if query.source:
        title = f"{title} from {sources.name(query.source)}"
    related = summary.stories(rows)
    entries = tuple(entry(r, base_url, taxonomy, sources, related.get(r.id, ())) for r in rows)
    links: tuple[Link, ...] = (Link("hub", hub),) if hub else ()
    if prev_archive is not None:
        links += (Link("prev-archive", urls.archive(query.topic, prev_archive, fmt, base_url)),)
    home = (urls.topic(query.topic, base_url, query.query_string()) if topic
            else urls.home(base_url, query.query_string()))
    return Feed(
        id=f"tag:{authority},2024:feeds/{query.topic}{query.query_string()}",
        title=f"{title} · feedsvc", subtitle=description, self_url=base_url + query.path(fmt), home_url=home,
        updated=max((r.updated_at for r in rows), default=EPOCH), ttl_minutes=ttl_minutes,
        entries=entries, links=links,
    )


def archive(topic: str, page: int, fmt: str, rows: Sequence[ItemRow], *, base_url: str, authority: str,
            taxonomy: Taxonomy, sources: Sources, ttl_minutes: int, prev_page: int | None,
            next_page: int | None) -> Feed:
    """One RFC 5005 archive document: a closed range of item ids, linked to its neighbours and to the feed."""
    current = feed(Query(topic), fmt, rows, base_url=base_url, authority=authority, taxonomy=taxonomy,
                   sources=sources, ttl_minutes=ttl_minutes)
    links = [Link("current", urls.feed(topic, fmt, base_url))]
    if prev_page is not None:
        links.append(Link("prev-archive", urls.archive(topic, prev_page, fmt, base_url)))
    if next_page is not None:
        links.append(Link("next-archive", urls.archive(topic, next_page, fmt, base_url)))
    return replace(current, id=f"{current.id}/archive/{page}", self_url=urls.archive(topic, page, fmt, base_url),
                   title=f"{current.title} (archive {page})", links=tuple(links), archive=True)


def digest_feed(topic: str, fmt: str, records: Sequence[DigestRecord], *, base_url: str, authority: str,
                taxonomy: Taxonomy, ttl_minutes: int) -> Feed:
    """One entry per built digest of a topic, to follow the digest in a reader instead of by email."""
    entries = []
    for record in records:
        d = record.digest
        page = urls.digest(d.topic, d.day, base_url)
        stories = [s for section in d.sections for s in section.stories]
        items = "".join(f'<li><a href="{urls.item(s.lead.kind, s.lead.public_id, base_url)}">'
                        f'{html.escape(s.lead.title)}</a></li>' for s in stories)
        lead = f": {stories[0].lead.title}" if stories else ""
        entries.append(Entry(
            id=f"tag:{authority},{d.day}:digest/{d.topic}", title=digest_build.title(d, taxonomy) + lead, link=page,
            published=record.built_at, updated=record.built_at,
            summary=f"{d.story_count} stories from {d.item_count} headlines and articles.",
            content_html=sanitize(f"<ol>{items}</ol>"), authors=("feedsvc",), categories=()))
    found = taxonomy.get(topic)
    name = found.title if found else "All topics"
    return Feed(
        id=f"tag:{authority},2024:feeds/digests/{topic}", title=f"{name} digest · feedsvc",
        subtitle=f"The daily digest of {name.lower()}.", self_url=urls.digest_feed(topic, fmt, base_url),
        home_url=urls.digests(base_url), updated=max((e.updated for e in entries), default=EPOCH),
        ttl_minutes=ttl_minutes, entries=tuple(entries))
