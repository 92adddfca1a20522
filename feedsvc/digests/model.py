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


@dataclass(frozen=True)
class Story:
    lines: tuple[Line, ...]  # newest first; the first is the story's headline

    @property
    def lead(self) -> Line:
        return self.lines[0]


@dataclass(frozen=True)
class Section:
    topic: str
    title: str
    stories: tuple[Story, ...]


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


def sections_from_json(data: list[dict[str, Any]]) -> tuple[Section, ...]:
    return tuple(Section(s["topic"], s["title"], tuple(Story(tuple(Line(**line) for line in st["lines"]))
                                                       for st in s["stories"])) for s in data)
