"""Reads of the store for pages, feeds, digests and re-tagging: small, indexed queries returning plain records."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from .schema import failures, files, item_terms, item_topics, items


@dataclass(frozen=True)
class ItemRow:
    """An item as pages and feeds show it."""

    id: int
    uid: str
    public_id: str
    kind: str
    title: str
    source: str | None
    url: str | None
    published: datetime | None
    published_precision: str | None
    sort_at: datetime
    updated_at: datetime
    created_at: datetime
    lede: str | None
    body: tuple[str, ...]
    captions: tuple[dict[str, Any], ...]
    dateline_place: str | None
    dateline_agency: str | None
    category: str | None
    byline: str | None
    topics: tuple[str, ...]

    @property
    def revised(self) -> datetime:
        """When readers should see the item as last changed: its own published time until an ingest changes its
        content (``updated_at`` moves past ``created_at``), then the time of that change."""
        if self.published is None:
            return self.updated_at
        if self.updated_at == self.created_at:
            return self.published
        return max(self.updated_at, self.published)


_COLS = (items.c.id, items.c.uid, items.c.public_id, items.c.kind, items.c.title, items.c.source, items.c.url,
         items.c.published, items.c.published_precision, items.c.sort_at, items.c.updated_at, items.c.created_at,
         items.c.lede,
         items.c.body, items.c.captions, items.c.dateline_place, items.c.dateline_agency, items.c.category,
         items.c.byline)


def _rows(conn: Connection, query: Any) -> list[ItemRow]:
    raw = conn.execute(query).all()
    topics: dict[int, list[str]] = defaultdict(list)
    if raw:
        for t in conn.execute(select(item_topics.c.item_id, item_topics.c.topic)
                              .where(item_topics.c.item_id.in_([r.id for r in raw]))
                              .order_by(item_topics.c.item_id, item_topics.c.topic)):
            topics[t.item_id].append(t.topic)
    return [ItemRow(
        id=r.id, uid=r.uid, public_id=r.public_id, kind=r.kind, title=r.title, source=r.source, url=r.url,
        published=r.published, published_precision=r.published_precision, sort_at=r.sort_at,
        updated_at=r.updated_at, created_at=r.created_at, lede=r.lede, body=tuple(json.loads(r.body or "[]")),
        captions=tuple(json.loads(r.captions or "[]")), dateline_place=r.dateline_place,
        dateline_agency=r.dateline_agency, category=r.category, byline=r.byline, topics=tuple(topics[r.id]),
    ) for r in raw]


def _search(q: str) -> Any:
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(items.c.title.ilike(pattern, escape="\\"), items.c.lede.ilike(pattern, escape="\\"))


def latest(conn: Connection, topic: str | None, limit: int, *, q: str | None = None, source: str | None = None,
           before: tuple[datetime, int] | None = None) -> list[ItemRow]:
    """Newest items of a topic (or of all), through the (topic, sort_at) or (sort_at) index.

    ``before`` pages backwards from a (sort_at, id) position.
    """
    if topic is None:
        query = select(*_COLS).order_by(items.c.sort_at.desc(), items.c.id.desc())
        sort_col, id_col = items.c.sort_at, items.c.id
    else:
        query = (select(*_COLS).join(item_topics, item_topics.c.item_id == items.c.id)
                 .where(item_topics.c.topic == topic)
                 .order_by(item_topics.c.published.desc(), item_topics.c.item_id.desc()))
        sort_col, id_col = item_topics.c.published, item_topics.c.item_id
    if q:
        query = query.where(_search(q))
    if source:
        query = query.where(items.c.source == source)
    if before is not None:
        query = query.where(or_(sort_col < before[0], and_(sort_col == before[0], id_col < before[1])))
    return _rows(conn, query.limit(limit))


def item_by_public_id(conn: Connection, kind: str, public_id: str) -> ItemRow | None:
    found = _rows(conn, select(*_COLS).where(items.c.public_id == public_id, items.c.kind == kind))
    return found[0] if found else None


def related(conn: Connection, item_id: int, limit: int = 5) -> list[ItemRow]:
    """Other articles about the same story: sharing an event date and two names, or six names."""
    mine, theirs = item_terms.alias("mine"), item_terms.alias("theirs")
    shared = func.count()
    dates = func.sum(case((theirs.c.term.like("date:%"), 1), else_=0))
    matches = (select(theirs.c.item_id, shared.label("shared"))
               .join(theirs, and_(theirs.c.term == mine.c.term, theirs.c.item_id != mine.c.item_id))
               .where(mine.c.item_id == item_id)
               .group_by(theirs.c.item_id)
               .having(or_(and_(dates >= 1, shared - dates >= 2), shared - dates >= 6))
               .order_by(shared.desc(), theirs.c.item_id).limit(limit)).subquery()
    rows = _rows(conn, select(*_COLS).join(matches, matches.c.item_id == items.c.id)
                 .order_by(matches.c.shared.desc(), items.c.id))
    return rows


def related_to_words(conn: Connection, item_id: int, words: frozenset[str], limit: int = 5) -> list[ItemRow]:
    """Articles whose coverage terms hold two or more of ``words`` (a headline's content words)."""
    if len(words) < 2:
        return []
    shared = func.count()
    matches = (select(item_terms.c.item_id, shared.label("shared"))
               .where(item_terms.c.term.in_(sorted(words)), item_terms.c.item_id != item_id)
               .group_by(item_terms.c.item_id).having(shared >= 2)
               .order_by(shared.desc(), item_terms.c.item_id).limit(limit)).subquery()
    return _rows(conn, select(*_COLS).join(matches, matches.c.item_id == items.c.id)
                 .order_by(matches.c.shared.desc(), items.c.id))


def same_hour(conn: Connection, row: ItemRow, start: datetime, limit: int = 12) -> list[ItemRow]:
    """The source's other headlines in the hour from ``start``: the news line the item was part of."""
    if row.source is None:
        return []
    return _rows(conn, select(*_COLS).where(
        items.c.source == row.source, items.c.kind == "headline", items.c.id != row.id,
        items.c.sort_at >= start, items.c.sort_at < start + timedelta(hours=1),
    ).order_by(items.c.sort_at.desc(), items.c.id.desc()).limit(limit))


META_SUFFIX = ".meta.toml"  # as ingest.meta names page metadata files


@dataclass(frozen=True)
class StoreStats:
    files: int
    articles: int
    headlines: int
    failures: list[tuple[str, int | None, str]]
    sources: int = 0
    newest: datetime | None = None

    @property
    def items(self) -> int:
        return self.articles + self.headlines


def item_counts(conn: Connection) -> dict[str, int]:
    """Stored items by kind: a count over the whole table, so callers keep it per store version."""
    return {str(k): int(n) for k, n in conn.execute(select(items.c.kind, func.count()).group_by(items.c.kind))}


def stats(conn: Connection, kinds: dict[str, int] | None = None) -> StoreStats:
    """What the store holds; ``kinds`` is ``item_counts`` when the caller has it already."""
    kinds = item_counts(conn) if kinds is None else kinds
    failed = conn.execute(select(failures.c.path, failures.c.line, failures.c.reason)
                          .order_by(failures.c.path, failures.c.line).limit(100)).all()
    return StoreStats(
        # Stores filled by earlier versions may hold side files ingested as pages: they are not corpus files.
        files=conn.execute(select(func.count()).select_from(files)
                           .where(files.c.path.not_like("%" + META_SUFFIX))).scalar_one(),
        articles=kinds.get("article", 0),
        headlines=kinds.get("headline", 0),
        failures=[(r.path, r.line, r.reason) for r in failed],
        sources=conn.execute(select(func.count(items.c.source.distinct()))).scalar_one(),
        newest=newest_time(conn),
    )


def newest_time(conn: Connection) -> datetime | None:
    """When the newest stored item was published (or seen)."""
    value = conn.execute(select(func.max(items.c.sort_at))).scalar()
    return value if isinstance(value, datetime) else None


def newest_change(conn: Connection) -> datetime | None:
    """When any stored item last changed: the newest change of every feed of the store."""
    value = conn.execute(select(func.max(items.c.updated_at))).scalar()
    return value if isinstance(value, datetime) else None


def newest_id(conn: Connection) -> int:
    """The highest item id: every id range below the one holding it is closed for good."""
    return int(conn.execute(select(func.max(items.c.id))).scalar() or 0)


def _in_topic(topic: str | None) -> tuple[Any, Any]:
    """The id column to range over, and the query base, for a topic or for all items."""
    if topic is None:
        return items.c.id, select(items.c.id)
    return item_topics.c.item_id, select(item_topics.c.item_id).where(item_topics.c.topic == topic)


def neighbour_id(conn: Connection, topic: str | None, *, below: int | None = None,
                 at_least: int | None = None) -> int | None:
    """The nearest item id of a topic below ``below`` (or from ``at_least`` up): one index seek."""
    col, base = _in_topic(topic)
    if below is not None:
        query = base.with_only_columns(func.max(col)).where(col < below)
    else:
        query = base.with_only_columns(func.min(col)).where(col >= at_least)
    value = conn.execute(query).scalar()
    return int(value) if value is not None else None


def in_id_range(conn: Connection, topic: str | None, lo: int, hi: int | None) -> list[ItemRow]:
    """A topic's items with ids in [lo, hi), newest id first: an archive page, or the still-open range."""
    col, base = _in_topic(topic)
    ids = base.where(col >= lo) if hi is None else base.where(col >= lo, col < hi)
    return _rows(conn, select(*_COLS).where(items.c.id.in_(ids.scalar_subquery()))
                 .order_by(items.c.id.desc()))


def in_window(conn: Connection, topic: str | None, start: datetime, end: datetime,
              limit: int = 10_000) -> list[ItemRow]:
    """A topic's items (or all) whose time falls in [start, end), newest first."""
    if topic is None:
        query = (select(*_COLS).where(items.c.sort_at >= start, items.c.sort_at < end)
                 .order_by(items.c.sort_at.desc(), items.c.id.desc()))
    else:
        query = (select(*_COLS).join(item_topics, item_topics.c.item_id == items.c.id)
                 .where(item_topics.c.topic == topic, item_topics.c.published >= start,
                        item_topics.c.published < end)
                 .order_by(item_topics.c.published.desc(), item_topics.c.item_id.desc()))
    return _rows(conn, query.limit(limit))


def items_to_classify(conn: Connection, after_id: int, limit: int) -> list[Any]:
    """The next ``limit`` items by id after ``after_id``, with what classifying them reads."""
    return list(conn.execute(
        select(items.c.id, items.c.kind, items.c.title, items.c.lede, items.c.body, items.c.published,
               items.c.category, items.c.given_topics, items.c.sort_at, items.c.source, items.c.dateline_place)
        .where(items.c.id > after_id).order_by(items.c.id).limit(limit)).all())


def topics_of(conn: Connection, item_ids: list[int]) -> dict[int, set[str]]:
    """The stored topics of each of ``item_ids`` (an item with none is absent)."""
    found: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(select(item_topics.c.item_id, item_topics.c.topic).where(item_topics.c.item_id.in_(item_ids))):
        found[r.item_id].add(r.topic)
    return found


def files_known(conn: Connection) -> list[Any]:
    """Every corpus file the store holds: path, size, mtime_ns, sha256, status."""
    return list(conn.execute(select(files.c.path, files.c.size, files.c.mtime_ns, files.c.sha256, files.c.status)))
