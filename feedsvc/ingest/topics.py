"""Topics: a user-edited TOML taxonomy, and the classifier that places items in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from .config_files import field, read_toml

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
RESERVED = {"all", "digests"}


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    exclude: tuple[str, ...]


def _term(term: str) -> str:
    """A keyword as a regex on word boundaries; a trailing ``*`` matches any word ending."""
    stem, wildcard = (term[:-1], True) if term.endswith("*") else (term, False)
    body = r"\s+".join(re.escape(w) for w in stem.split())
    return r"(?<!\w)" + body + (r"\w*" if wildcard else r"(?!\w)")


def _compile(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Keywords in capitals (``UN``, ``OPEC``) match case-sensitively, all others case-insensitively."""
    exact, folded = [], []
    for t in terms:
        letters = [c for c in t if c.isalpha()]
        (exact if len(letters) > 1 and all(c.isupper() for c in letters) else folded).append(_term(t))
    parts = [f"(?:{'|'.join(exact)})"] if exact else []
    if folded:
        parts.append(f"(?i:{'|'.join(folded)})")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True)
class Rule:
    topic: Topic
    match: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    categories: frozenset[str]


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order, and their compiled rules."""

    topics: tuple[Topic, ...]
    rules: tuple[Rule, ...]

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.topics)

    def get(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def classify(self, text: str, *, category: str | None = None, given: Iterable[str] = ()) -> tuple[str, ...]:
        """Slugs of every topic whose rules match ``text`` or ``category``, in taxonomy order."""
        chosen = set(given)
        cat = (category or "").casefold()
        for rule in self.rules:
            if rule.exclude is not None and rule.exclude.search(text):
                continue
            if (cat and cat in rule.categories) or (rule.match is not None and rule.match.search(text)):
                chosen.add(rule.topic.slug)
        return tuple(s for s in self.slugs if s in chosen)


def default_path() -> Path:
    return Path(str(resources.files("feedsvc") / "data" / "topics.toml"))


def load(path: Path | None = None) -> Taxonomy:
    """Read a topics file: ``[[topic]]`` tables with slug, title, description, keywords, categories, exclude."""
    path = path or default_path()
    data = read_toml(path)
    tables = data.get("topic")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: needs at least one [[topic]] table")
    topics: list[Topic] = []
    for n, table in enumerate(tables, 1):
        where = f"{path}: topic #{n}"
        slug = field(table, "slug", str, where)
        where = f"{path}: topic {slug!r}"
        if not _SLUG.match(slug) or slug in RESERVED:
            raise ConfigError(f"{where}: slug must be lower-case letters, digits and dashes, and not "
                              + " or ".join(sorted(RESERVED)))
        if any(t.slug == slug for t in topics):
            raise ConfigError(f"{where}: slug is used twice")
        topics.append(Topic(
            slug=slug,
            title=field(table, "title", str, where),
            description=field(table, "description", str, where, default=""),
            keywords=tuple(field(table, "keywords", list, where, default=[])),
            categories=tuple(field(table, "categories", list, where, default=[])),
            exclude=tuple(field(table, "exclude", list, where, default=[])),
        ))
    rules = tuple(Rule(t, _compile(t.keywords), _compile(t.exclude), frozenset(c.casefold() for c in t.categories))
                  for t in topics)
    return Taxonomy(tuple(topics), rules)
