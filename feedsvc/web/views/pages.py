"""Pages for people: the front page, topic pages and item permalinks."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, render_template, request

from ... import urls
from ...context import load_sources, load_taxonomy, setting
from ...digests import build as digest_build
from ...digests import front as front_page
from ...digests.cluster import words
from ...errors import NotFound
from ...ingest.records import storable
from ...store import db, queries
from ...store import digests as digest_store
from ...store.digests import DigestRecord
from .. import cache

bp = Blueprint("pages", __name__)
TOP_STORIES = 8
TOP_POOL = 120  # the newest items the top stories are chosen from
TOPIC_STORIES = 5
TOPIC_POOL = 60
STORY_SPAN = timedelta(days=1)  # an item's story is looked for among the items this close to it in time
PAGE_SIZE = 30


def _html(template: str, **context: object) -> Response:
    return Response(render_template(template, **context), content_type="text/html; charset=utf-8")


def _feed_links(topic: str, title: str) -> list[tuple[str, str, str]]:
    base = setting("BASE_URL")
    return [("application/rss+xml", f"{title} (RSS)", urls.feed(topic, "xml", base)),
            ("application/atom+xml", f"{title} (Atom)", urls.feed(topic, "atom", base)),
            ("application/feed+json", f"{title} (JSON Feed)", urls.feed(topic, "json", base))]


@bp.get(urls.HOME)
def index() -> Response:
    """Top stories once each, then each topic's other stories, and what the corpus holds."""
    taxonomy = load_taxonomy()
    with db.get_engine().connect() as conn:
        latest = queries.latest(conn, None, TOP_POOL)
        by_topic = {t.slug: queries.latest(conn, t.slug, TOPIC_POOL) for t in taxonomy.topics}
        stats = queries.stats(conn, cache.item_counts(conn))
    page = front_page.front(latest, by_topic, taxonomy, top=TOP_STORIES, per_topic=TOPIC_STORIES)
    links = _feed_links("all", "All topics")
    for t in taxonomy.topics:
        links += _feed_links(t.slug, t.title)
    return _html("index.html", page=page, stats=stats, feed_links=links, sources=load_sources(),
                 labels={t.slug: t.title for t in taxonomy.topics})


@bp.get(urls.TOPIC)
def topic_page(topic: str) -> Response:
    """One topic's items, newest first, paged by position."""
    taxonomy = load_taxonomy()
    found = taxonomy.get(topic)
    if found is None:
        raise NotFound(f"There is no topic “{topic}”.")
    before = None
    raw = request.args.get("before", "")
    if raw:
        try:
            stamp, _, item_id = raw.rpartition("_")
            before = (datetime.fromisoformat(stamp), int(item_id))
        except ValueError:
            before = None
        # A position we never link to: a naive or out-of-range time, or an id no row can have.
        if before is None or before[0].tzinfo is None or not storable(before[0]) or not 0 <= before[1] < 2**62:
            raise NotFound("That page of the topic does not exist.")
    with db.get_engine().connect() as conn:
        rows = queries.latest(conn, topic, PAGE_SIZE + 1, before=before)
    more = rows[PAGE_SIZE].sort_at if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    next_page = f"{rows[-1].sort_at.isoformat()}_{rows[-1].id}" if more is not None and rows else None
    return _html("topic.html", topic=found, rows=rows, next_page=next_page, sources=load_sources(),
                 feed_links=_feed_links(topic, found.title), base_url=setting("BASE_URL"))


def _item(kind: str, public_id: str) -> Response:
    sources = load_sources()
    with db.get_engine().connect() as conn:
        row = queries.item_by_public_id(conn, kind, public_id)
        if row is None:
            raise NotFound(f"There is no {kind} with id “{public_id}”.")
        related = (queries.related(conn, row.id) if kind == "article"
                   else queries.related_to_words(conn, row.id, words(row.title)))
        news_line = queries.same_hour(conn, row, front_page.hour_of(row.sort_at, sources.zone(row.source)))
        nearby = queries.in_window(conn, None, row.sort_at - STORY_SPAN, row.sort_at + STORY_SPAN, limit=2000)
    story = front_page.story_of(row, nearby)
    labels = {t.slug: t.title for t in load_taxonomy().topics}
    return _html("item.html", item=row, related=[r for r in related if r not in story], story=story,
                 news_line=news_line, labels=labels, sources=sources)


@bp.get(urls.ARTICLE)
def article(public_id: str) -> Response:
    return _item("article", public_id)


@bp.get(urls.HEADLINE)
def headline(public_id: str) -> Response:
    return _item("headline", public_id)


def render_digest(record: DigestRecord) -> str:
    """A digest's web page (no personal data on it)."""
    d = record.digest
    taxonomy = load_taxonomy()
    title = digest_build.title(d, taxonomy)
    return render_template("digest.html", record=record, digest=d, title=title, sources=load_sources(),
                           labels={t.slug: t.title for t in taxonomy.topics} | {"other": "Other"},
                           feed_links=_feed_links(f"digests/{d.topic}", f"{title.split(',')[0]}s"))


@bp.get(urls.DIGESTS)
def digests_index() -> Response:
    """Every digest, newest day first, with the days that were skipped."""
    with db.get_engine().connect() as conn:
        records = digest_store.recent(conn, limit=200)
    taxonomy = load_taxonomy()
    return _html("digests.html", records=records, titles={id(r): digest_build.title(r.digest, taxonomy) for r in records})


@bp.get(urls.DIGEST)
def digest_page(topic: str, day: str) -> Response:
    with db.get_engine().connect() as conn:
        record = digest_store.get(conn, topic, day)
    if record is None:
        raise NotFound(f"There is no {topic} digest for {day}.")
    return Response(render_digest(record), content_type="text/html; charset=utf-8")
