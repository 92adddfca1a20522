"""Pages for people: the front page, topic pages and item permalinks."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, render_template, request

from ...context import load_sources, load_taxonomy, setting
from ...digests import build as digest_build
from ...errors import NotFound
from ...store import db, queries
from ...store import digests as digest_store
from ...store.digests import DigestRecord

bp = Blueprint("pages", __name__)
HOME_ITEMS = 8
PAGE_SIZE = 30


def _html(template: str, **context: object) -> Response:
    return Response(render_template(template, **context), content_type="text/html; charset=utf-8")


def _feed_links(topic: str, title: str) -> list[tuple[str, str, str]]:
    base = setting("BASE_URL")
    return [("application/rss+xml", f"{title} (RSS)", f"{base}/feeds/{topic}.xml"),
            ("application/atom+xml", f"{title} (Atom)", f"{base}/feeds/{topic}.atom"),
            ("application/feed+json", f"{title} (JSON Feed)", f"{base}/feeds/{topic}.json")]


@bp.get("/")
def index() -> Response:
    """Topics with their latest items."""
    taxonomy = load_taxonomy()
    with db.get_engine().connect() as conn:
        sections = [(t, queries.latest(conn, t.slug, HOME_ITEMS)) for t in taxonomy.topics]
        stats = queries.stats(conn)
    links = _feed_links("all", "All topics")
    for t in taxonomy.topics:
        links += _feed_links(t.slug, t.title)
    return _html("index.html", sections=sections, stats=stats, feed_links=links, sources=load_sources())


@bp.get("/topics/<topic>")
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
            raise NotFound("That page of the topic does not exist.") from None
    with db.get_engine().connect() as conn:
        rows = queries.latest(conn, topic, PAGE_SIZE + 1, before=before)
    more = rows[PAGE_SIZE].sort_at if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    next_page = f"{rows[-1].sort_at.isoformat()}_{rows[-1].id}" if more is not None and rows else None
    return _html("topic.html", topic=found, rows=rows, next_page=next_page, sources=load_sources(),
                 feed_links=_feed_links(topic, found.title), base_url=setting("BASE_URL"))


def _item(kind: str, public_id: str) -> Response:
    with db.get_engine().connect() as conn:
        row = queries.item_by_public_id(conn, kind, public_id)
        if row is None:
            raise NotFound(f"There is no {kind} with id “{public_id}”.")
        related = queries.related(conn, row.id) if kind == "article" else []
    taxonomy = load_taxonomy()
    labels = {t.slug: t.title for t in taxonomy.topics}
    return _html("item.html", item=row, related=related, labels=labels, sources=load_sources())


@bp.get("/articles/<public_id>")
def article(public_id: str) -> Response:
    return _item("article", public_id)


@bp.get("/headlines/<public_id>")
def headline(public_id: str) -> Response:
    return _item("headline", public_id)


def render_digest(record: DigestRecord) -> str:
    """A digest's web page (no personal data on it)."""
    d = record.digest
    title = digest_build.title(d, load_taxonomy())
    return render_template("digest.html", record=record, digest=d, title=title, sources=load_sources(),
                           feed_links=_feed_links(f"digests/{d.topic}", f"{title.split(',')[0]}s"))


@bp.get("/digests/")
def digests_index() -> Response:
    """Every digest, newest day first, with the days that were skipped."""
    with db.get_engine().connect() as conn:
        records = digest_store.recent(conn, limit=200)
    taxonomy = load_taxonomy()
    return _html("digests.html", records=records, titles={id(r): digest_build.title(r.digest, taxonomy) for r in records})


@bp.get("/digests/<topic>/<day>")
def digest_page(topic: str, day: str) -> Response:
    with db.get_engine().connect() as conn:
        record = digest_store.get(conn, topic, day)
    if record is None:
        raise NotFound(f"There is no {topic} digest for {day}.")
    return Response(render_digest(record), content_type="text/html; charset=utf-8")
