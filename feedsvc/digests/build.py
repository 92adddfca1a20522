"""A digest from the window's items: grouped by topic, near-duplicates clustered, stories ranked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..store.queries import ItemRow
from ..topics.taxonomy import Taxonomy
from .cluster import cluster
from .model import Digest, Line, Section, Story


def day_window(day: date, zone: tzinfo, last_end: datetime | None = None) -> tuple[datetime, datetime]:
    """The local calendar day in UTC; after downtime it reaches back to where the last digest ended."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    if last_end is not None and last_end < start:
        start = last_end
    return start, end


def _line(row: ItemRow) -> Line:
    return Line(row.kind, row.public_id, row.title, row.sort_at.astimezone(UTC).isoformat(), row.source)


def _stories(rows: Sequence[ItemRow]) -> tuple[Story, ...]:
    """Stories ranked by how many headlines tell them, then by their newest one."""
    groups = cluster([r.title for r in rows])
    stories = [Story(tuple(_line(rows[i]) for i in sorted(g, key=lambda i: (rows[i].sort_at, rows[i].id),
                                                            reverse=True))) for g in groups]
    return tuple(sorted(stories, key=lambda s: (len(s.lines), s.lead.published, s.lead.public_id), reverse=True))


def digest(topic: str, day: date, window: tuple[datetime, datetime], rows: Sequence[ItemRow],
           taxonomy: Taxonomy) -> Digest:
    """The digest of ``rows`` (the window's items, newest first).

    A topic's digest is one section. The all-topics digest has a section per topic in taxonomy order, and
    shows each item once, under the first of its topics (items with none under "Other").
    """
    sections: tuple[Section, ...]
    if topic != "all":
        found = taxonomy.get(topic)
        sections = (Section(topic, found.title if found else topic, _stories(rows)),) if rows else ()
    else:
        order = {slug: n for n, slug in enumerate(taxonomy.slugs)}
        by_topic: dict[str, list[ItemRow]] = {}
        for r in rows:
            known = [t for t in r.topics if t in order]
            by_topic.setdefault(min(known, key=order.__getitem__) if known else "other", []).append(r)
        titled = [(t.slug, t.title) for t in taxonomy.topics] + [("other", "Other")]
        sections = tuple(Section(slug, name, _stories(by_topic[slug])) for slug, name in titled if slug in by_topic)
    return Digest(topic, day.isoformat(), window[0], window[1], sections)


def title(d: Digest, taxonomy: Taxonomy) -> str:
    """"Politics digest, 5 July 2025"."""
    topic = taxonomy.get(d.topic)
    day = date.fromisoformat(d.day)
    return f"{topic.title if topic else 'News'} digest, {day.day} {day:%B %Y}"
