"""Store rows to feed records: what every format shows of a topic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from ..ingest.sources import Sources
from ..ingest.topics import Taxonomy
from ..store.queries import ItemRow
from .content import article_html
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
        return f"/feeds/{self.topic}.{fmt}{self.query_string()}"


def entry(row: ItemRow, base_url: str, taxonomy: Taxonomy, sources: Sources) -> Entry:
    kind = "articles" if row.kind == "article" else "headlines"
    source_name = sources.name(row.source)
    authors = (row.byline,) if row.byline else ((source_name,) if source_name else ())
    content = None
    if row.kind == "article":
        dateline = None
        if row.dateline_place:
            dateline = f"{row.dateline_place}{' (' + row.dateline_agency + ')' if row.dateline_agency else ''} —"
        content = article_html(row.lede, list(row.body), [dict(c) for c in row.captions], dateline)
    labels = {t.slug: t.title for t in taxonomy.topics}
    return Entry(
        id=row.uid, title=row.title, link=f"{base_url}/{kind}/{row.public_id}", published=row.published,
        updated=row.updated_at, summary=row.lede, content_html=content, authors=authors,
        categories=tuple((t, labels.get(t, t)) for t in row.topics),
    )


def feed(query: Query, fmt: str, rows: Sequence[ItemRow], *, base_url: str, authority: str, taxonomy: Taxonomy,
         sources: Sources, ttl_minutes: int, hub: str | None = None) -> Feed:
    """The feed of one query in one format (the self link names the format)."""
    topic = taxonomy.get(query.topic)
    title = topic.title if topic else "All topics"
    description = topic.description if topic else "Every article and headline."
    if query.q:
        title = f"{title}: “{query.q}”"
    if query.source:
        title = f"{title} from {sources.name(query.source)}"
    entries = tuple(entry(r, base_url, taxonomy, sources) for r in rows)
    links = (Link("hub", hub),) if hub else ()
    home = f"{base_url}/topics/{query.topic}{query.query_string()}" if topic else f"{base_url}/{query.query_string()}"
    return Feed(
        id=f"tag:{authority},2024:feeds/{query.topic}{query.query_string()}",
        title=f"{title} · feedsvc", subtitle=description, self_url=base_url + query.path(fmt), home_url=home,
        updated=max((e.updated for e in entries), default=EPOCH), ttl_minutes=ttl_minutes,
        entries=entries, links=links,
    )
