"""Topics: a user-edited TOML taxonomy, and the classifier that places items in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
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


_TOKEN = re.compile(r"\w+")


def _is_exact(term: str) -> bool:
    """Keywords in capitals (``UN``, ``OPEC``) match case-sensitively; all others in any case."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


@dataclass(frozen=True)
class Matcher:
    """Keywords of one rule set, indexed by word so a text is matched in one pass over its words."""

    exact: frozenset[str]
    folded: frozenset[str]
    phrases: dict[str, tuple[tuple[bool, tuple[str, ...]], ...]]
    prefixes: tuple[str, ...]

    @classmethod
    def build(cls, terms: Iterable[str]) -> Matcher:
        exact: set[str] = set()
        folded: set[str] = set()
        phrases: dict[str, list[tuple[bool, tuple[str, ...]]]] = {}
        prefixes: list[str] = []
        for term in terms:
            is_exact = _is_exact(term)
            stem = term.removesuffix("*")
            words = tuple(w if is_exact else w.casefold() for w in _TOKEN.findall(stem))
            if not words:
                continue
            if term.endswith("*") and len(words) == 1:
                prefixes.append(words[0].casefold())
            elif len(words) == 1:
                (exact if is_exact else folded).add(words[0])
            else:
                phrases.setdefault(words[0].casefold(), []).append((is_exact, words))
        return cls(frozenset(exact), frozenset(folded), {k: tuple(v) for k, v in phrases.items()},
                   tuple(prefixes))

    def matches(self, words: list[str], lowered: list[str]) -> bool:
        for i, word in enumerate(words):
            low = lowered[i]
            if word in self.exact or low in self.folded:
                return True
            if self.prefixes and low.startswith(self.prefixes):
                return True
            for is_exact, phrase in self.phrases.get(low, ()):
                window = words[i:i + len(phrase)] if is_exact else lowered[i:i + len(phrase)]
                if tuple(window) == phrase:
                    return True
        return False


@dataclass(frozen=True)
class Rule:
    topic: Topic
    match: Matcher
    exclude: Matcher
    categories: frozenset[str]


MEMO_SIZE = 5_000


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order, and their compiled rules.

    Results are memoised: a news line repeats the same headlines on every page of a site.
    """

    topics: tuple[Topic, ...]
    rules: tuple[Rule, ...]
    _memo: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...]] = dataclass_field(default_factory=dict, compare=False,
                                                                          repr=False)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.topics)

    def get(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def classify(self, text: str, *, category: str | None = None, given: Iterable[str] = ()) -> tuple[str, ...]:
        """Slugs of every topic whose rules match ``text`` or ``category``, in taxonomy order."""
        memo_key = (text, category or "", tuple(given))
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[memo_key] = result = self._classify(text, category, memo_key[2])
        return result

    def _classify(self, text: str, category: str | None, given: tuple[str, ...]) -> tuple[str, ...]:
        chosen = set(given)
        cat = (category or "").casefold()
        words = _TOKEN.findall(text)
        lowered = [w.casefold() for w in words]
        for rule in self.rules:
            if rule.exclude.matches(words, lowered):
                continue
            if (cat and cat in rule.categories) or rule.match.matches(words, lowered):
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
    rules = tuple(Rule(t, Matcher.build(t.keywords), Matcher.build(t.exclude),
                       frozenset(c.casefold() for c in t.categories)) for t in topics)
    return Taxonomy(tuple(topics), rules)
