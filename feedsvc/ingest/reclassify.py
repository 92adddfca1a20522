"""The reclassify job: re-tag every stored item with the current topics file."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from ..store import state, writer
from ..store.engine import writing
from ..store.schema import item_topics, items
from ..topics.sources import Sources
from ..topics.taxonomy import Taxonomy
from . import terms
from .records import Article, Stamp

BATCH = 2000


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
