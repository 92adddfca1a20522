"""The front page: top stories once each, near-duplicates as one entry, then each topic's other stories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ..store.queries import ItemRow
from ..topics.taxonomy import Taxonomy, Topic
from .build import ranked


@dataclass(frozen=True)
class Entry:
    """One story: its newest item leads, the other items of the cluster follow as "also"."""

    items: tuple[ItemRow, ...]

    @property
    def lead(self) -> ItemRow:
        return self.items[0]

    @property
    def also(self) -> tuple[ItemRow, ...]:
        return self.items[1:]

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({t for item in self.items for t in item.topics}))


@dataclass(frozen=True)
class TopicSection:
    topic: Topic
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Front:
    top: tuple[Entry, ...]
    sections: tuple[TopicSection, ...]


def front(latest: Sequence[ItemRow], by_topic: Mapping[str, Sequence[ItemRow]], taxonomy: Taxonomy, *,
          top: int, per_topic: int) -> Front:
    """Top stories from the ``latest`` items, then per topic (taxonomy order) its stories not shown above.

    Every item appears at most once on the page: a story listed among the top stories, or in an earlier
    topic's section, is left out of later sections.
    """
    entries = [Entry(group) for group in ranked(latest)[:top]]
    shown = {item.id for entry in entries for item in entry.items}
    sections = []
    for topic in taxonomy.topics:
        kept = [Entry(group) for group in ranked(by_topic.get(topic.slug, ()))
                if not any(item.id in shown for item in group)][:per_topic]
        shown.update(item.id for entry in kept for item in entry.items)
        sections.append(TopicSection(topic, tuple(kept)))
    return Front(tuple(entries), tuple(sections))


def story_of(item: ItemRow, nearby: Sequence[ItemRow]) -> tuple[ItemRow, ...]:
    """The other items of ``item``'s story among ``nearby`` (the items around its time), newest first."""
    pool = [item, *(r for r in nearby if r.id != item.id)]
    for group in ranked(pool):
        if any(r.id == item.id for r in group):
            return tuple(r for r in group if r.id != item.id)
    return ()


def hour_of(value: datetime, zone: tzinfo) -> datetime:
    """The start of the clock hour ``value`` falls in, in ``zone`` (a source's own news-line hour)."""
    return value.astimezone(zone).replace(minute=0, second=0, microsecond=0)
