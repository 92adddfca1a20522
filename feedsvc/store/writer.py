"""Writing ingested records: one call per file, inside the caller's transaction.

Statements are built once at import and run as ``Prepared`` statements: ingest runs them thousands of
times a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..ingest import identity, terms
from ..ingest.records import Article, Headline
from .prepared import Prepared
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
_FILE_ID = Prepared(select(files.c.id).where(files.c.path == bindparam("p_path")))
_FILE_INSERT = Prepared(insert(files).returning(files.c.id))
_FILE_UPDATE = Prepared(update(files).where(files.c.id == bindparam("p_id")))
_FAILURES_CLEAR = Prepared(delete(failures).where(failures.c.path == bindparam("p_path")))
_FAILURE_INSERT = Prepared(insert(failures))
_BY_FILE = Prepared(select(*_ARTICLE_COLS).where(items.c.file_id == bindparam("p_file"), items.c.kind == "article"))
_BY_URL = Prepared(select(*_ARTICLE_COLS).where(items.c.url == bindparam("p_url"), items.c.kind == "article"))
_BY_KEY_OR_PUBLIC_ID = Prepared(select(*_ARTICLE_COLS).where(
    or_(items.c.dedupe_key == bindparam("p_key"), items.c.public_id == bindparam("p_public"))))
_KEY_CLASH = Prepared(select(items.c.id).where(items.c.dedupe_key == bindparam("p_key"),
                                               items.c.id != bindparam("p_id")))
_HEADLINE_KNOWN = Prepared(select(items.c.id).where(items.c.dedupe_key == bindparam("p_key")))
_PUBLIC_ID_TAKEN = Prepared(select(items.c.id).where(items.c.public_id == bindparam("p_public")))
_ITEM_INSERT = Prepared(insert(items).returning(items.c.id))
# Two writers may meet the same news-line headline at once: the second insert of a key does nothing, and
# returns no row, so what a run counts as new is what it inserted.
_HEADLINES_INSERT = {
    "sqlite": Prepared(sqlite_insert(items).on_conflict_do_nothing(index_elements=["dedupe_key"])
                       .returning(items.c.id, items.c.dedupe_key)),
    "postgresql": Prepared(postgresql_insert(items).on_conflict_do_nothing(index_elements=["dedupe_key"])
                           .returning(items.c.id, items.c.dedupe_key)),
}
_ITEM_UPDATE = Prepared(update(items).where(items.c.id == bindparam("p_id")))
_TOPICS_CLEAR = Prepared(delete(item_topics).where(item_topics.c.item_id == bindparam("p_id")))
_TOPICS_INSERT = Prepared(insert(item_topics))
_TERMS_CLEAR = Prepared(delete(item_terms).where(item_terms.c.item_id == bindparam("p_id")))
_TERMS_INSERT = Prepared(insert(item_terms))
_HEADLINE_BLANKS = {"file_id": None, "dateline_place": None, "dateline_agency": None, "category": None,
                    "byline": None, "body": None, "captions": None}


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every call: json.dumps makes one each


def _common_fields(record: Article | Headline) -> dict[str, Any]:
    """Columns every item has: source, title, URL, publication time and the topics its producer gave."""
    stamp = record.published
    return {
        "source": record.source, "title": record.title, "url": record.url,
        "published": stamp.stored if stamp else None,
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
        "body": _to_json(list(a.body)),
        "captions": _to_json([{"text": c.text, "credit": c.credit} for c in a.captions]),
    }


def _headline_fields(h: Headline) -> dict[str, Any]:
    return {**_common_fields(h), "lede": h.summary}


class _Stored(NamedTuple):
    """What ``save_article`` needs of an article the store holds already."""

    id: int
    content_hash: str
    dedupe_key: str
    file_id: int | None
    created_at: datetime


def _first(rows: list[tuple[Any, ...]]) -> _Stored | None:
    return _Stored._make(rows[0]) if rows else None


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
                      article.published.stored if article.published else None, article.topics,
                      terms.coverage_terms(article))


def set_terms(conn: Connection, item_id: int, values: Iterable[str], *, replace_old: bool) -> None:
    """An article's coverage terms, replacing those it had."""
    if replace_old:
        _TERMS_CLEAR.run(conn, {"p_id": item_id})
    rows = [{"term": t[:64], "item_id": item_id} for t in dict.fromkeys(values)]
    if rows:
        _TERMS_INSERT.many(conn, rows)


class HeadlineRow(NamedTuple):
    """A news-line headline as the store writes it, keyed and classified before the write begins."""

    key: str
    fields: dict[str, Any]
    topics: tuple[str, ...]
    published: datetime | None


def headline_rows(headlines: Sequence[Headline], made: set[str], *,
                  classify: Callable[[Headline], Headline] | None = None) -> list[HeadlineRow | str]:
    """Rows for ``headlines``: a classified row the first time ``made`` meets a key, the bare key after.

    A news line repeats on every page of a site, so across a run most headlines are bare keys: they are
    classified once and cross to the writing process once. ``save_headlines`` resolves bare keys.
    """
    rows: list[HeadlineRow | str] = []
    for h in headlines:
        key = identity.dedupe_key(h)
        if key in made:
            rows.append(key)
            continue
        made.add(key)
        h = classify(h) if classify is not None else h
        rows.append(HeadlineRow(key, _headline_fields(h), h.topics, h.published.stored if h.published else None))
    return rows


def upsert_file(conn: Connection, *, path: str, size: int, mtime_ns: int, sha256: str, status: str,
                now: datetime, known: bool = True) -> int:
    """The ``files`` row for ``path``, created or brought up to date; returns its id.

    ``known=False`` says the caller knows there is no row yet, which saves two statements per new file.
    """
    values = {"size": size, "mtime_ns": mtime_ns, "sha256": sha256, "status": status, "ingested_at": now}
    if known:
        found = _FILE_ID.run(conn, {"p_path": path})
        _FAILURES_CLEAR.run(conn, {"p_path": path})
        if found:
            file_id = int(found[0][0])
            _FILE_UPDATE.run(conn, {"p_id": file_id, **values})
            return file_id
    return int(_FILE_INSERT.run(conn, {"path": path, **values})[0][0])


def touch_file(conn: Connection, *, path: str, size: int, mtime_ns: int) -> None:
    """A file whose content is what the store holds: only its size and time are new."""
    conn.execute(update(files).where(files.c.path == path).values(size=size, mtime_ns=mtime_ns))


def record_failure(conn: Connection, *, path: str, line: int | None, reason: str, now: datetime) -> None:
    _FAILURE_INSERT.run(conn, {"path": path, "line": line, "reason": reason, "at": now})


def _topic_rows(item_id: int, topics: Iterable[str], published: datetime | None) -> list[dict[str, Any]]:
    return [{"item_id": item_id, "topic": t, "published": published} for t in topics]


def flush_topics(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the topic rows that ``save_article`` and ``save_headlines`` collected, in one statement."""
    if rows:
        _TOPICS_INSERT.many(conn, rows)
        rows.clear()


def replace_topics(conn: Connection, item_id: int, topics: Iterable[str], published: datetime | None) -> None:
    """An item's topics, replacing those it had (re-tagging after the topics file changed)."""
    _TOPICS_CLEAR.run(conn, {"p_id": item_id})
    flush_topics(conn, _topic_rows(item_id, topics, published))


def _free_uid(conn: Connection, uid: str) -> str:
    """``uid``, or ``uid-2``, ``uid-3``… when an edited item's old key minted it already."""
    candidate, n = uid, 1
    while _PUBLIC_ID_TAKEN.run(conn, {"p_public": identity.public_id(candidate)}):
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
        found = _first(_BY_FILE.run(conn, {"p_file": file_id}))
    if found is None and row.url:
        found = _first(_BY_URL.run(conn, {"p_url": row.url}))
    uid = identity.mint_uid(authority, "article", key, row.published or now)
    sort_at = row.published or now
    uid_taken = False
    if found is None:
        for match in map(_Stored._make, _BY_KEY_OR_PUBLIC_ID.run(conn, {"p_key": key,
                                                                         "p_public": identity.public_id(uid)})):
            if match.dedupe_key == key:
                found = match
            else:
                uid_taken = True
    if found is None:
        uid = _free_uid(conn, uid) if uid_taken else uid
        item_id = int(_ITEM_INSERT.run(conn, {
            "uid": uid, "public_id": identity.public_id(uid), "kind": "article", "dedupe_key": key,
            "content_hash": digest, "file_id": file_id, "created_at": now, "updated_at": now,
            "sort_at": sort_at, **fields})[0][0])
        topic_rows += _topic_rows(item_id, row.topics, sort_at)
        set_terms(conn, item_id, row.terms, replace_old=False)
        counts.articles_new += 1
        return item_id
    item_id = int(found.id)
    if found.content_hash == digest:
        if found.file_id != file_id and file_id is not None:
            _ITEM_UPDATE.run(conn, {"p_id": item_id, "file_id": file_id})
        counts.articles_unchanged += 1
        return item_id
    clash = _KEY_CLASH.run(conn, {"p_key": key, "p_id": item_id})
    _ITEM_UPDATE.run(conn, {"p_id": item_id, "dedupe_key": found.dedupe_key if clash else key,
                                "content_hash": digest, "file_id": file_id or found.file_id, "updated_at": now,
                                "sort_at": row.published or found.created_at, **fields})
    _TOPICS_CLEAR.run(conn, {"p_id": item_id})
    topic_rows += _topic_rows(item_id, row.topics, row.published or found.created_at)
    set_terms(conn, item_id, row.terms, replace_old=True)
    counts.articles_updated += 1
    return item_id


def save_headlines(conn: Connection, rows: Sequence[HeadlineRow | str], *, authority: str, now: datetime,
                   counts: Counts, topic_rows: list[dict[str, Any]], seen: set[str]) -> list[str]:
    """Insert the headlines the store does not hold yet; ``seen``, the keys this run stored or met in the
    store, learns every key and spares the next page's copy of a news line the insert.

    Returns the bare keys (see ``headline_rows``) that neither ``seen`` nor the store knows: their rows are
    needed, and the caller has to load them again.
    """
    fresh: dict[str, dict[str, Any]] = {}
    by_key: dict[str, HeadlineRow] = {}
    missing: list[str] = []
    for row in rows:
        key = row if isinstance(row, str) else row.key
        if key in seen or key in fresh:
            counts.headlines_known += 1
        elif isinstance(row, str):
            if _HEADLINE_KNOWN.run(conn, {"p_key": key}):
                seen.add(key)
                counts.headlines_known += 1
            else:
                missing.append(key)
        else:
            sort_at = row.published or now
            uid = identity.mint_uid(authority, "headline", key, sort_at)
            by_key[key] = row
            fresh[key] = {"uid": uid, "public_id": identity.public_id(uid), "sort_at": sort_at, "kind": "headline",
                          "dedupe_key": key, "content_hash": identity.content_hash(row.fields),
                          "created_at": now, "updated_at": now, **_HEADLINE_BLANKS, **row.fields}
    if missing:
        return missing
    seen.update(fresh)  # in place: the caller's set is the run's memory
    inserted = 0
    for item_id, key in _HEADLINES_INSERT[conn.dialect.name].each(conn, list(fresh.values())):
        topic_rows += _topic_rows(item_id, by_key[key].topics, by_key[key].published or now)
        inserted += 1
    counts.headlines_new += inserted
    counts.headlines_known += len(fresh) - inserted
    return []
