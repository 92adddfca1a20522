"""A digest from the window's items: grouped by topic, near-duplicates clustered, stories ranked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..store.queries import ItemRow
from ..topics.taxonomy import Taxonomy
from .cluster import cluster
from .model import Digest, Line, Pointer, Section, Story


def day_window(day: date, zone: tzinfo, last_end: datetime | None = None) -> tuple[datetime, datetime]:
    """The local calendar day in UTC; after downtime it reaches back to where the last digest ended."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    if last_end is not None and last_end < start:
        start = last_end
    return start, end


def _line(row: ItemRow) -> Line:
    return Line(row.kind, row.public_id, row.title, row.sort_at.astimezone(UTC).isoformat(), row.source, row.topics)


def ranked(rows: Sequence[ItemRow]) -> list[tuple[ItemRow, ...]]:
    """Near-duplicates grouped into stories (newest item first), ranked by how many items tell them, then by
    their newest one."""
    groups = [tuple(sorted((rows[i] for i in g), key=lambda r: (r.sort_at, r.id), reverse=True))
              for g in cluster([r.title for r in rows])]
    return sorted(groups, key=lambda g: (len(g), g[0].sort_at, g[0].public_id), reverse=True)


def _stories(rows: Sequence[ItemRow]) -> tuple[Story, ...]:
    return tuple(Story(tuple(_line(r) for r in group)) for group in ranked(rows))


def digest(topic: str, day: date, window: tuple[datetime, datetime], rows: Sequence[ItemRow],
           taxonomy: Taxonomy) -> Digest:
    """The digest of ``rows`` (the window's items, newest first).

    A topic's digest is one section. The all-topics digest has a section for every topic that had stories,
    in taxonomy order (items with none under "Other"). Each story is shown in full once, under the one of its
    topics with the fewest stories that day (the most particular), and is pointed to from its other topics'
    sections.
    """
    sections: tuple[Section, ...]
    if topic != "all":
        found = taxonomy.get(topic)
        sections = (Section(topic, found.title if found else topic, _stories(rows)),) if rows else ()
    else:
        sections = _all_sections(_stories(rows), taxonomy)
    return Digest(topic, day.isoformat(), window[0], window[1], sections)


def _all_sections(stories: Sequence[Story], taxonomy: Taxonomy) -> tuple[Section, ...]:
    order = {slug: n for n, slug in enumerate(taxonomy.slugs)}
    topics_of = [[t for t in st.topics if t in order] or ["other"] for st in stories]
    size: dict[str, int] = {}
    for topics in topics_of:
        for t in topics:
            size[t] = size.get(t, 0) + 1
    home = [min(topics, key=lambda t: (size[t], order.get(t, len(order)))) for topics in topics_of]
    titled = [(t.slug, t.title) for t in taxonomy.topics] + [("other", "Other")]
    return tuple(
        Section(slug, name, tuple(st for st, h in zip(stories, home, strict=True) if h == slug),
                tuple(Pointer(h, st.lead) for st, h, topics in zip(stories, home, topics_of, strict=True)
                      if h != slug and slug in topics))
        for slug, name in titled if slug in size)


def title(d: Digest, taxonomy: Taxonomy) -> str:
    """"Politics digest, 5 July 2025"."""
    topic = taxonomy.get(d.topic)
    day = date.fromisoformat(d.day)
    return f"{topic.title if topic else 'News'} digest, {day.day} {day:%B %Y}"
