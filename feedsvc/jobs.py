"""Jobs that the CLI, the scheduler and the tests all call the same way."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from .digest import build
from .errors import IngestError
from .ingest import decode, pages, terms
from .ingest.files import classify_article, classify_headline
from .ingest.records import Article, PageMeta, Stamp
from .ingest.sources import Sources
from .ingest.topics import Taxonomy
from .store import digests as digest_store
from .store import queries, state, writer
from .store.digests import DigestRecord
from .store.engine import writing
from .store.schema import item_topics, items

BATCH = 2000


def parse_file(path: Path, data: bytes, *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
               captured: datetime, page_meta: PageMeta | None) -> dict[str, Any]:
    """What ingest would extract from one page text, as the JSON shape of ``flask parse --json``."""
    if path.suffix != ".txt":
        raise IngestError("parse reads page texts (*.txt); JSON Lines are already structured", path=str(path))
    try:
        text = decode.decode(data, max_bytes=max_bytes)
        parsed = pages.parse_page(text, sources=sources, meta=page_meta, captured=captured)
    except IngestError as exc:
        raise exc.at(str(path)) from None
    article = classify_article(parsed.article, taxonomy, sources.country(parsed.article.source)) if parsed.article else None
    parsed = replace(parsed, article=article, newsline=tuple(classify_headline(h, taxonomy, sources.country(h.source))
                                                             for h in parsed.newsline))
    return parsed.to_json()


def _terms_of(row: Any) -> tuple[str, ...]:
    published = Stamp(row.published, "day") if row.published else None
    article = Article(title=row.title, published=published, source=None, lede=row.lede,
                      body=tuple(json.loads(row.body or "[]")))
    return terms.coverage_terms(article)


def reclassify(engine: Engine, taxonomy: Taxonomy, sources: Sources) -> int:
    """Re-tag every stored item with ``taxonomy``, and refresh articles' coverage terms.

    Returns how many items' topics changed.
    """
    changed = 0
    last_id = 0
    bump = False
    while True:
        with writing(engine) as conn:
            rows = conn.execute(
                select(items.c.id, items.c.kind, items.c.title, items.c.lede, items.c.body, items.c.published,
                       items.c.category, items.c.given_topics, items.c.sort_at, items.c.source,
                       items.c.dateline_place).where(items.c.id > last_id).order_by(items.c.id).limit(BATCH)).all()
            if not rows:
                if bump:
                    state.bump(conn)
                return changed
            last_id = rows[-1].id
            current: dict[int, set[str]] = defaultdict(set)
            for r in conn.execute(select(item_topics.c.item_id, item_topics.c.topic)
                                  .where(item_topics.c.item_id.in_([row.id for row in rows]))):
                current[r.item_id].add(r.topic)
            for row in rows:
                if row.kind == "article":
                    writer.set_terms(conn, row.id, _terms_of(row), replace_old=True)
                wanted = taxonomy.classify(row.title, lede=row.lede, category=row.category,
                                           given=json.loads(row.given_topics or "[]"),
                                           home=sources.country(row.source), place=row.dateline_place)
                if set(wanted) == current[row.id]:
                    continue
                changed += 1
                conn.execute(delete(item_topics).where(item_topics.c.item_id == row.id))
                bump = True
                if wanted:
                    conn.execute(insert(item_topics), [{"item_id": row.id, "topic": t, "published": row.sort_at}
                                                       for t in wanted])


@dataclass(frozen=True)
class DigestRun:
    """What building one digest did: "built", "skipped" (no new items) or "exists" (built before)."""

    outcome: str
    record: DigestRecord


def build_digest(engine: Engine, taxonomy: Taxonomy, *, topic: str, day: date, zone: tzinfo, now: datetime,
                 dry_run: bool = False) -> DigestRun:
    """Build and store the digest of ``topic`` for ``day``; an existing one is returned, never rebuilt.

    An empty window stores a visible "skipped: no new items" run instead of a digest. Two builders racing for
    the same (topic, day) store it once: the store keeps the first.
    """
    with engine.connect() as conn:
        existing = digest_store.get(conn, topic, day.isoformat())
        if existing is not None:
            return DigestRun("exists", existing)
        window = build.day_window(day, zone, digest_store.last_end(
            conn, topic, build.day_window(day, zone)[0]))
        rows = queries.in_window(conn, None if topic == "all" else topic, *window)
    made = build.digest(topic, day, window, rows, taxonomy)
    record = (digest_store.DigestRecord(made, "built", None, now) if made.story_count
              else digest_store.DigestRecord(made, "skipped", "no new items", now))
    if dry_run:
        return DigestRun(record.status, record)
    with writing(engine) as conn:  # built outside the write lock; the store keeps the first of two builders
        if not digest_store.save(conn, record):
            stored = digest_store.get(conn, topic, day.isoformat())
            assert stored is not None
            return DigestRun("exists", stored)
        state.bump(conn)
    return DigestRun(record.status, record)


def build_due(engine: Engine, taxonomy: Taxonomy, *, zone: tzinfo, now: datetime) -> list[DigestRun]:
    """Build the digests of the last complete local day for every topic and for all; existing ones are kept."""
    day = now.astimezone(zone).date() - timedelta(days=1)
    return [build_digest(engine, taxonomy, topic=topic, day=day, zone=zone, now=now)
            for topic in ("all", *taxonomy.slugs)]
