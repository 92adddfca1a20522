"""What a digest holds, as plain records that serialise to and from the store's JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Line:
    """One headline or article of a story."""

    kind: str
    public_id: str
    title: str
    published: str  # ISO 8601, UTC
    source: str | None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    lines: tuple[Line, ...]  # newest first; the first is the story's headline

    @property
    def lead(self) -> Line:
        return self.lines[0]

    @property
    def source_count(self) -> int:
        """How many sources carried the story (an item of no known source counts as one of its own)."""
        return len({line.source or line.public_id for line in self.lines})

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic of the story's items, in first-seen order."""
        return tuple(dict.fromkeys(t for line in self.lines for t in line.topics))


@dataclass(frozen=True)
class Pointer:
    """A story of a section's topic that is shown in full under another section."""

    section: str  # the topic slug of the section that shows it
    lead: Line


@dataclass(frozen=True)
class Section:
    topic: str
    title: str
    stories: tuple[Story, ...]
    elsewhere: tuple[Pointer, ...] = ()


@dataclass(frozen=True)
class Digest:
    topic: str  # a topic slug, or "all"
    day: str  # YYYY-MM-DD, the local calendar day it covers
    window_start: datetime
    window_end: datetime
    sections: tuple[Section, ...]

    @property
    def story_count(self) -> int:
        return sum(len(s.stories) for s in self.sections)

    @property
    def item_count(self) -> int:
        return sum(len(st.lines) for s in self.sections for st in s.stories)

    def content_json(self) -> list[dict[str, Any]]:
        return [asdict(s) for s in self.sections]


def _line(data: dict[str, Any]) -> Line:
    return Line(**{**data, "topics": tuple(data.get("topics", ()))})


def sections_from_json(data: list[dict[str, Any]]) -> tuple[Section, ...]:
    """Sections as stored; digests stored before lines carried topics read back with none."""
    return tuple(Section(s["topic"], s["title"],
                         tuple(Story(tuple(_line(line) for line in st["lines"])) for st in s["stories"]),
                         tuple(Pointer(p["section"], _line(p["lead"])) for p in s.get("elsewhere", ())))
                 for s in data)
