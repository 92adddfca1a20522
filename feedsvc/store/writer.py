"""Writing ingested records: one call per file, inside the caller's transaction.

Statements are built once at import with bind parameters, so SQLAlchemy compiles and keys each only once;
ingest runs them thousands of times a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..ingest import identity, terms
from ..ingest.records import Article, Headline
from .schema import failures, files, item_terms, item_topics, items


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


_ARTICLE_COLS = (items.c.id, items.c.content_hash, items.c.dedupe_key, items.c.file_id, items.c.created_at)
_FILE_ID = select(files.c.id).where(files.c.path == bindparam("p_path"))
_FILE_INSERT = insert(files).returning(files.c.id)
_FILE_UPDATE = update(files).where(files.c.id == bindparam("p_id"))
_FAILURES_CLEAR = delete(failures).where(failures.c.path == bindparam("p_path"))
_FAILURE_INSERT = insert(failures)
_BY_FILE = select(*_ARTICLE_COLS).where(items.c.file_id == bindparam("p_file"), items.c.kind == "article")
_BY_URL = select(*_ARTICLE_COLS).where(items.c.url == bindparam("p_url"), items.c.kind == "article")
_BY_KEY_OR_PUBLIC_ID = select(*_ARTICLE_COLS).where(
    or_(items.c.dedupe_key == bindparam("p_key"), items.c.public_id == bindparam("p_public")))
_KEY_CLASH = select(items.c.id).where(items.c.dedupe_key == bindparam("p_key"), items.c.id != bindparam("p_id"))
_PUBLIC_ID_TAKEN = select(items.c.id).where(items.c.public_id == bindparam("p_public"))
_ITEM_INSERT = insert(items).returning(items.c.id)
# Two writers may meet the same news-line headline at once: the second insert of a key does nothing.
_HEADLINES_INSERT = {
    "sqlite": sqlite_insert(items).on_conflict_do_nothing(index_elements=["dedupe_key"])
    .returning(items.c.id, items.c.dedupe_key),
    "postgresql": postgresql_insert(items).on_conflict_do_nothing(index_elements=["dedupe_key"])
    .returning(items.c.id, items.c.dedupe_key),
}
_ITEM_UPDATE = update(items).where(items.c.id == bindparam("p_id"))
_KNOWN_KEYS = select(items.c.dedupe_key).where(items.c.dedupe_key.in_(bindparam("p_keys", expanding=True)))
_TOPICS_CLEAR = delete(item_topics).where(item_topics.c.item_id == bindparam("p_id"))
_TOPICS_INSERT = insert(item_topics)
_TERMS_CLEAR = delete(item_terms).where(item_terms.c.item_id == bindparam("p_id"))
_TERMS_INSERT = insert(item_terms)
_HEADLINE_BLANKS = {"file_id": None, "dateline_place": None, "dateline_agency": None, "category": None,
                    "byline": None, "body": None, "captions": None}


def _common_fields(record: Article | Headline) -> dict[str, Any]:
    """Columns every item has: source, title, URL, publication time and the topics its producer gave."""
    stamp = record.published
    return {
        "source": record.source, "title": record.title, "url": record.url,
        "published": stamp.value if stamp else None,
        "published_precision": stamp.precision if stamp else None,
        "published_inferred": bool(stamp and stamp.inferred),
        "given_topics": json.dumps(list(record.given_topics)),
    }


def _article_fields(a: Article) -> dict[str, Any]:
    return {
        **_common_fields(a),
        "dateline_place": a.dateline.place if a.dateline else None,
        "dateline_agency": a.dateline.agency if a.dateline else None,
        "category": a.category, "byline": a.byline, "lede": a.lede,
        "body": json.dumps(list(a.body), ensure_ascii=False),
        "captions": json.dumps([{"text": c.text, "credit": c.credit} for c in a.captions], ensure_ascii=False),
    }


def _headline_fields(h: Headline) -> dict[str, Any]:
    return {**_common_fields(h), "lede": h.summary}


@dataclass(frozen=True)
class ArticleRow:
    """An article as the store writes it, computed before the write transaction begins."""

    key: str
    fields: dict[str, Any]
    digest: str
    url: str | None
    published: datetime | None
    topics: tuple[str, ...]
    terms: tuple[str, ...]


def article_row(article: Article) -> ArticleRow:
    fields = _article_fields(article)
    return ArticleRow(identity.dedupe_key(article), fields, identity.content_hash(fields), article.url,
                      article.published.value if article.published else None, article.topics,
                      terms.coverage_terms(article))


def set_terms(conn: Connection, item_id: int, values: Iterable[str], *, replace_old: bool) -> None:
    """An article's coverage terms, replacing those it had."""
    if replace_old:
        conn.execute(_TERMS_CLEAR, {"p_id": item_id})
    rows = [{"term": t[:64], "item_id": item_id} for t in dict.fromkeys(values)]
    if rows:
        conn.execute(_TERMS_INSERT, rows)


@dataclass
class FreshHeadlines:
    """Headlines not yet seen in this run, keyed, classified and made into rows before the write begins."""

    by_key: dict[str, Headline]
    rows: dict[str, dict[str, Any]]
    repeated: int


def fresh_headlines(headlines: Sequence[Headline], seen: set[str], *, authority: str, now: datetime,
                    classify: Callable[[Headline], Headline] | None = None) -> FreshHeadlines:
    """Drop the headlines this run has stored already (``seen``); classify the rest and build their rows."""
    fresh: dict[str, Headline] = {}
    rows: dict[str, dict[str, Any]] = {}
    repeated = 0
    for h in headlines:
        key = identity.dedupe_key(h)
        if key in seen or key in fresh:
            repeated += 1
            continue
        h = fresh[key] = classify(h) if classify is not None else h
        fields = _headline_fields(h)
        sort_at = h.published.value if h.published else now
        uid = identity.mint_uid(authority, "headline", key, sort_at)
        rows[key] = {"uid": uid, "public_id": identity.public_id(uid), "sort_at": sort_at, "kind": "headline",
                     "dedupe_key": key, "content_hash": identity.content_hash(fields), "created_at": now,
                     "updated_at": now, **_HEADLINE_BLANKS, **fields}
    return FreshHeadlines(fresh, rows, repeated)


def upsert_file(conn: Connection, *, path: str, size: int, mtime_ns: int, sha256: str, status: str,
                now: datetime, known: bool = True) -> int:
    """The ``files`` row for ``path``, created or brought up to date; returns its id.

    ``known=False`` says the caller knows there is no row yet, which saves two statements per new file.
    """
    values = {"size": size, "mtime_ns": mtime_ns, "sha256": sha256, "status": status, "ingested_at": now}
    row = None
    if known:
        row = conn.execute(_FILE_ID, {"p_path": path}).first()
        conn.execute(_FAILURES_CLEAR, {"p_path": path})
    if row:
        conn.execute(_FILE_UPDATE, {"p_id": row.id, **values})
        return int(row.id)
    return int(conn.execute(_FILE_INSERT, {"path": path, **values}).scalar_one())


def record_failure(conn: Connection, *, path: str, line: int | None, reason: str, now: datetime) -> None:
    conn.execute(_FAILURE_INSERT, {"path": path, "line": line, "reason": reason, "at": now})


def _topic_rows(item_id: int, topics: Iterable[str], published: datetime | None) -> list[dict[str, Any]]:
    return [{"item_id": item_id, "topic": t, "published": published} for t in topics]


def flush_topics(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the topic rows that ``save_article`` and ``save_headlines`` collected, in one statement."""
    if rows:
        conn.execute(_TOPICS_INSERT, rows)
        rows.clear()


def _free_uid(conn: Connection, uid: str) -> str:
    """``uid``, or ``uid-2``, ``uid-3``… when an edited item's old key minted it already."""
    candidate, n = uid, 1
    while conn.execute(_PUBLIC_ID_TAKEN, {"p_public": identity.public_id(candidate)}).first():
        n += 1
        candidate = f"{uid}-{n}"
    return candidate


def save_article(conn: Connection, row: ArticleRow, *, file_id: int | None, by_file: bool, authority: str,
                 now: datetime, counts: Counts, topic_rows: list[dict[str, Any]], new_file: bool = False) -> int:
    """Insert or update one article, keeping the id it got at first sight.

    An article is the same one when it comes from the same page file, has the same URL, or has the same
    source, title and day (a moved or copied file).
    """
    key, fields, digest = row.key, row.fields, row.digest
    found = None
    if by_file and file_id is not None and not new_file:
        found = conn.execute(_BY_FILE, {"p_file": file_id}).first()
    if found is None and row.url:
        found = conn.execute(_BY_URL, {"p_url": row.url}).first()
    uid = identity.mint_uid(authority, "article", key, row.published or now)
    sort_at = row.published or now
    uid_taken = False
    if found is None:
        for match in conn.execute(_BY_KEY_OR_PUBLIC_ID, {"p_key": key, "p_public": identity.public_id(uid)}):
            if match.dedupe_key == key:
                found = match
            else:
                uid_taken = True
    if found is None:
        uid = _free_uid(conn, uid) if uid_taken else uid
        item_id = int(conn.execute(_ITEM_INSERT, {
            "uid": uid, "public_id": identity.public_id(uid), "kind": "article", "dedupe_key": key,
            "content_hash": digest, "file_id": file_id, "created_at": now, "updated_at": now,
            "sort_at": sort_at, **fields}).scalar_one())
        topic_rows += _topic_rows(item_id, row.topics, sort_at)
        set_terms(conn, item_id, row.terms, replace_old=False)
        counts.articles_new += 1
        return item_id
    item_id = int(found.id)
    if found.content_hash == digest:
        if found.file_id != file_id and file_id is not None:
            conn.execute(_ITEM_UPDATE, {"p_id": item_id, "file_id": file_id})
        counts.articles_unchanged += 1
        return item_id
    clash = conn.execute(_KEY_CLASH, {"p_key": key, "p_id": item_id}).first()
    conn.execute(_ITEM_UPDATE, {"p_id": item_id, "dedupe_key": found.dedupe_key if clash else key,
                                "content_hash": digest, "file_id": file_id or found.file_id, "updated_at": now,
                                "sort_at": row.published or found.created_at, **fields})
    conn.execute(_TOPICS_CLEAR, {"p_id": item_id})
    topic_rows += _topic_rows(item_id, row.topics, row.published or found.created_at)
    set_terms(conn, item_id, row.terms, replace_old=True)
    counts.articles_updated += 1
    return item_id


def save_headlines(conn: Connection, fresh: FreshHeadlines, *, now: datetime, counts: Counts,
                   topic_rows: list[dict[str, Any]], seen: set[str]) -> None:
    """Insert the fresh headlines that the store does not hold yet; ``seen`` learns every key."""
    counts.headlines_known += fresh.repeated
    if not fresh.by_key:
        return
    stored = set(conn.scalars(_KNOWN_KEYS, {"p_keys": list(fresh.by_key)}))
    counts.headlines_known += len(stored)
    seen.update(fresh.by_key)  # in place: `|=` with a dict view would bind a new set
    rows = [row for key, row in fresh.rows.items() if key not in stored]
    if not rows:
        return
    inserted = 0
    for row in conn.execute(_HEADLINES_INSERT[conn.dialect.name], rows):
        h = fresh.by_key[row.dedupe_key]
        topic_rows += _topic_rows(row.id, h.topics, h.published.value if h.published else now)
        inserted += 1
    counts.headlines_new += inserted
    counts.headlines_known += len(rows) - inserted
