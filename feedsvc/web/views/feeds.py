"""Feed addresses: /feeds/<topic>.xml|.atom|.json and /feeds.opml."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from ... import urls
from ...context import load_sources, load_taxonomy, setting
from ...errors import NotFound
from ...feeds import build, render
from ...feeds.model import Feed
from ...store import db, queries
from ...store import digests as digest_store
from ..cache import Rendered, feed_cache
from ..fastpath import OPML_KEY, archive_key, digests_key, feed_key
from ..http import cached_response, wants_html

bp = Blueprint("feeds", __name__)
RENDERERS = {"xml": render.rss, "atom": render.atom, "json": render.json_feed}


def _rendered(body: bytes, feed: Feed, fmt: str, **policy: object) -> Rendered:
    return Rendered.of(body, feed.updated, f"{build.FORMATS[fmt]}; charset=utf-8",
                       rescan_minutes=setting("RESCAN_MINUTES"), **policy)


def _preview(feed: Feed, fmt: str) -> Response:
    html = render_template("feed_preview.html", feed=feed, fmt=fmt, address=feed.self_url)
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept, Accept-Encoding"})


def _topic_or_404(topic: str) -> None:
    taxonomy = load_taxonomy()
    if topic != "all" and taxonomy.get(topic) is None:
        known = ", ".join(["all", *taxonomy.slugs])
        raise NotFound(f"There is no topic “{topic}”. Feeds exist for: {known}. See {urls.opml()} for all of them.")


def _scope(topic: str) -> str | None:
    return None if topic == "all" else topic


def build_feed(query: build.Query, fmt: str) -> tuple[Feed, list[queries.ItemRow]]:
    """A topic's feed. At its plain address it is the RFC 5005 subscription document: the newest items plus
    every item of the still-open archive range, so that with the archive pages it links to nothing is ever
    left out. With limit, q or source it is a view of its own, without archives."""
    span = setting("ARCHIVE_SPAN")
    prev_archive = None
    with db.get_engine().connect() as conn:
        rows = queries.latest(conn, _scope(query.topic), query.limit, q=query.q or None,
                              source=query.source or None)
        if query == build.Query(query.topic):
            open_start = queries.newest_id(conn) // span * span
            shown = {r.id for r in rows}
            tail = [r for r in queries.in_id_range(conn, _scope(query.topic), open_start, None) if r.id not in shown]
            rows = sorted([*rows, *tail], key=lambda r: (r.sort_at, r.id), reverse=True)
            older = queries.neighbour_id(conn, _scope(query.topic), below=open_start)
            prev_archive = older // span if older is not None else None
    feed = build.feed(query, fmt, rows, base_url=setting("BASE_URL"), authority=setting("TAG_AUTHORITY"),
                      taxonomy=load_taxonomy(), sources=load_sources(), ttl_minutes=setting("RESCAN_MINUTES"),
                      hub=setting("HUB_URL") or None, prev_archive=prev_archive)
    return feed, rows


def build_archive(topic: str, page: int, fmt: str) -> Feed:
    span = setting("ARCHIVE_SPAN")
    lo, hi = page * span, (page + 1) * span
    with db.get_engine().connect() as conn:
        open_start = queries.newest_id(conn) // span * span
        if hi > open_start:
            raise NotFound(f"Archive page {page} of “{topic}” is not closed yet; its items are in the feed itself.")
        rows = queries.in_id_range(conn, _scope(topic), lo, hi)
        if not rows:
            raise NotFound(f"Archive page {page} of “{topic}” holds no items.")
        older = queries.neighbour_id(conn, _scope(topic), below=lo)
        newer = queries.neighbour_id(conn, _scope(topic), at_least=hi)
    return build.archive(topic, page, fmt, rows, base_url=setting("BASE_URL"), authority=setting("TAG_AUTHORITY"),
                         taxonomy=load_taxonomy(), sources=load_sources(), ttl_minutes=setting("RESCAN_MINUTES"),
                         prev_page=older // span if older is not None else None,
                         next_page=newer // span if newer is not None and newer < open_start else None)


def build_digest_feed(topic: str, fmt: str) -> Feed:
    with db.get_engine().connect() as conn:
        records = digest_store.recent(conn, topic=topic, status="built", limit=30)
    return build.digest_feed(topic, fmt, records, base_url=setting("BASE_URL"), authority=setting("TAG_AUTHORITY"),
                             taxonomy=load_taxonomy(), ttl_minutes=setting("RESCAN_MINUTES"))


@bp.get(urls.FEED)
def topic_feed(topic: str, fmt: str) -> Response:
    """One topic's feed; a browser gets a readable preview of the same entries."""
    _topic_or_404(topic)
    query = build.Query.parse(topic, request.args.to_dict())
    if wants_html(request):
        return _preview(build_feed(query, fmt)[0], fmt)

    def render_now() -> Rendered:
        feed, _ = build_feed(query, fmt)
        hub = setting("HUB_URL")
        link = (("Link", f'<{hub}>; rel="hub", <{setting("BASE_URL")}{query.path(fmt)}>; rel="self"'),)
        return _rendered(RENDERERS[fmt](feed), feed, fmt, headers=link if hub else (), preview=True)

    return cached_response(request, feed_cache().get_or_render(feed_key(query, fmt), render_now))


@bp.get(urls.ARCHIVE)
def archive_feed(topic: str, page: int, fmt: str) -> Response:
    """An RFC 5005 archive page: closed, so it never changes and may be cached for long."""
    _topic_or_404(topic)

    def render_now() -> Rendered:
        feed = build_archive(topic, page, fmt)
        return _rendered(RENDERERS[fmt](feed), feed, fmt, max_age=86400)

    return cached_response(request, feed_cache().get_or_render(archive_key(topic, page, fmt), render_now))


@bp.get(urls.DIGEST_FEED)
def digest_feed(topic: str, fmt: str) -> Response:
    """The daily digests of a topic, one entry each; a browser gets a readable preview of the same entries."""
    _topic_or_404(topic)
    if wants_html(request):
        return _preview(build_digest_feed(topic, fmt), fmt)

    def render_now() -> Rendered:
        feed = build_digest_feed(topic, fmt)
        return _rendered(RENDERERS[fmt](feed), feed, fmt, preview=True)

    return cached_response(request, feed_cache().get_or_render(digests_key(topic, fmt), render_now))


@bp.get(urls.OPML)
def opml() -> Response:
    """Every topic feed in one file, to import all at once."""
    base = setting("BASE_URL")

    def render_now() -> Rendered:
        taxonomy = load_taxonomy()
        outlines = [("All topics", urls.feed("all", "xml", base), urls.home(base))]
        outlines += [(t.title, urls.feed(t.slug, "xml", base), urls.topic(t.slug, base)) for t in taxonomy.topics]
        with db.get_engine().connect() as conn:  # the newest change of any listed feed: of the whole store
            created = queries.newest_change(conn) or build.EPOCH
        return Rendered.of(render.opml("feedsvc topics", outlines, created), created, "text/x-opml; charset=utf-8",
                           rescan_minutes=setting("RESCAN_MINUTES"))

    return cached_response(request, feed_cache().get_or_render(OPML_KEY, render_now))
