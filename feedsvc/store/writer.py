"""Writing ingested records: one call per file, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, MutableSet, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..ingest.records import Article, Headline
from . import identity
from .schema import failures, files, item_topics, items


@dataclass
class Counts:
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    headlines_new: int = 0
    headlines_known: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _article_fields(a: Article) -> dict[str, Any]:
    return {
        "source": a.source, "title": a.title, "url": a.url,
        "published": a.published.value if a.published else None,
        "published_precision": a.published.precision if a.published else None,
        "published_inferred": bool(a.published and a.published.inferred),
        "dateline_place": a.dateline.place if a.dateline else None,
        "dateline_agency": a.dateline.agency if a.dateline else None,
        "category": a.category, "byline": a.byline, "lede": a.lede,
        "body": json.dumps(list(a.body), ensure_ascii=False),
        "captions": json.dumps([{"text": c.text, "credit": c.credit} for c in a.captions], ensure_ascii=False),
        "given_topics": json.dumps(list(a.given_topics)),
    }


def _headline_fields(h: Headline) -> dict[str, Any]:
    return {
        "source": h.source, "title": h.title, "url": h.url,
        "published": h.published.value if h.published else None,
        "published_precision": h.published.precision if h.published else None,
        "published_inferred": bool(h.published and h.published.inferred),
        "lede": h.summary, "given_topics": json.dumps(list(h.given_topics)),
    }


def upsert_file(conn: Connection, *, path: str, size: int, mtime_ns: int, sha256: str, status: str,
                now: datetime) -> int:
    """The ``files`` row for ``path``, created or brought up to date; returns its id."""
    row = conn.execute(select(files.c.id).where(files.c.path == path)).first()
    values = {"size": size, "mtime_ns": mtime_ns, "sha256": sha256, "status": status, "ingested_at": now}
    conn.execute(delete(failures).where(failures.c.path == path))
    if row:
        conn.execute(update(files).where(files.c.id == row.id).values(**values))
        return int(row.id)
    return int(conn.execute(insert(files).values(path=path, **values).returning(files.c.id)).scalar_one())


def record_failure(conn: Connection, *, path: str, line: int | None, reason: str, now: datetime) -> None:
    conn.execute(insert(failures).values(path=path, line=line, reason=reason, at=now))


def _set_topics(conn: Connection, item_id: int, topics: Iterable[str], published: datetime | None) -> None:
    conn.execute(delete(item_topics).where(item_topics.c.item_id == item_id))
    rows = [{"item_id": item_id, "topic": t, "published": published} for t in topics]
    if rows:
        conn.execute(insert(item_topics), rows)


def _free_uid(conn: Connection, uid: str) -> str:
    candidate, n = uid, 1
    while conn.execute(select(items.c.id).where(items.c.uid == candidate)).first():
        n += 1
        candidate = f"{uid}-{n}"
    return candidate


def save_article(conn: Connection, article: Article, *, file_id: int | None, by_file: bool, authority: str,
                 now: datetime, counts: Counts) -> int:
    """Insert or update one article, keeping the id it got at first sight."""
    key = identity.dedupe_key(article)
    fields = _article_fields(article)
    digest = identity.content_hash(fields)
    cols = (items.c.id, items.c.content_hash, items.c.dedupe_key, items.c.file_id)
    found = None
    if by_file and file_id is not None:
        found = conn.execute(select(*cols).where(items.c.file_id == file_id, items.c.kind == "article")).first()
    if found is None and article.url:
        found = conn.execute(select(*cols).where(items.c.url == article.url, items.c.kind == "article")).first()
    if found is None:
        found = conn.execute(select(*cols).where(items.c.dedupe_key == key)).first()
    published = article.published.value if article.published else None
    if found is None:
        uid = _free_uid(conn, identity.mint_uid(authority, "article", key, published or now))
        item_id = int(conn.execute(insert(items).values(
            uid=uid, kind="article", dedupe_key=key, content_hash=digest, file_id=file_id,
            created_at=now, updated_at=now, **fields).returning(items.c.id)).scalar_one())
        _set_topics(conn, item_id, article.topics, published)
        counts.articles_new += 1
        return item_id
    item_id = int(found.id)
    if found.content_hash == digest:
        if found.file_id != file_id and file_id is not None:
            conn.execute(update(items).where(items.c.id == item_id).values(file_id=file_id))
        counts.articles_unchanged += 1
        return item_id
    new_key = key
    clash = conn.execute(select(items.c.id).where(items.c.dedupe_key == key, items.c.id != item_id)).first()
    if clash:
        new_key = found.dedupe_key
    conn.execute(update(items).where(items.c.id == item_id).values(
        dedupe_key=new_key, content_hash=digest, file_id=file_id or found.file_id, updated_at=now, **fields))
    _set_topics(conn, item_id, article.topics, published)
    counts.articles_updated += 1
    return item_id


def save_headlines(conn: Connection, headlines: Sequence[Headline], *, authority: str, now: datetime,
                   counts: Counts, known: MutableSet[str] | None = None) -> None:
    """Insert the headlines not stored yet; ``known`` caches keys already seen in this run."""
    known = known if known is not None else set()
    fresh: dict[str, Headline] = {}
    for h in headlines:
        key = identity.dedupe_key(h)
        if key in known or key in fresh:
            counts.headlines_known += 1
        else:
            fresh[key] = h
    if fresh:
        stored = set(conn.scalars(select(items.c.dedupe_key).where(items.c.dedupe_key.in_(list(fresh)))))
        counts.headlines_known += len(stored)
        known.update(stored)
        rows = []
        for key, h in fresh.items():
            if key in stored:
                continue
            fields = _headline_fields(h)
            rows.append({"uid": identity.mint_uid(authority, "headline", key,
                                                  h.published.value if h.published else now),
                         "kind": "headline", "dedupe_key": key, "content_hash": identity.content_hash(fields),
                         "created_at": now, "updated_at": now, "file_id": None, "dateline_place": None,
                         "dateline_agency": None, "category": None, "byline": None, "body": None,
                         "captions": None, **fields})
        if rows:
            ids = conn.execute(insert(items).returning(items.c.id, items.c.dedupe_key, sort_by_parameter_order=True),
                               rows).all()
            topic_rows = [{"item_id": row.id, "topic": t, "published": fresh[row.dedupe_key].published.value
                           if fresh[row.dedupe_key].published else None}
                          for row in ids for t in fresh[row.dedupe_key].topics]
            if topic_rows:
                conn.execute(insert(item_topics), topic_rows)
            counts.headlines_new += len(rows)
            known.update(fresh)
