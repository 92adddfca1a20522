"""The reclassify job: re-tag every stored item with the current topics file."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine

from ..store import queries, state, writer
from ..store.engine import writing
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
            rows = queries.items_to_classify(conn, last_id, BATCH)
            if not rows:
                if bump:
                    state.bump(conn)
                return changed
            last_id = rows[-1].id
            current = queries.topics_of(conn, [row.id for row in rows])
            for row in rows:
                if row.kind == "article":
                    writer.set_terms(conn, row.id, _terms_of(row), replace_old=True)
                wanted = taxonomy.classify(row.title, lede=row.lede, category=row.category,
                                           given=json.loads(row.given_topics or "[]"),
                                           home=sources.country(row.source), place=row.dateline_place)
                if set(wanted) == current.get(row.id, set()):
                    continue
                changed += 1
                writer.replace_topics(conn, row.id, wanted, row.sort_at)
                bump = True
