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


# What a keyword hit says: rule number, and whether it is the rule's exclusion list.
_Hit = tuple[int, bool]


@dataclass(frozen=True)
class Index:
    """Every rule's keywords indexed by word, so a text is matched against all topics in one pass."""

    exact: dict[str, tuple[_Hit, ...]]  # keywords in capitals, matched case-sensitively
    folded: dict[str, tuple[_Hit, ...]]
    phrases: dict[str, tuple[tuple[_Hit, bool, tuple[str, ...]], ...]]  # by first word, case-folded
    prefixes: tuple[str, ...]  # ``energ*``
    prefix_hits: tuple[_Hit, ...]  # the hit of each prefix

    @classmethod
    def build(cls, lists: Iterable[tuple[_Hit, Iterable[str]]]) -> Index:
        exact: dict[str, set[_Hit]] = {}
        folded: dict[str, set[_Hit]] = {}
        phrases: dict[str, list[tuple[_Hit, bool, tuple[str, ...]]]] = {}
        prefixes: list[tuple[str, _Hit]] = []
        for hit, terms in lists:
            for term in terms:
                is_exact = _is_exact(term)
                words = tuple(w if is_exact else w.casefold() for w in _TOKEN.findall(term.removesuffix("*")))
                if not words:
                    continue
                if term.endswith("*") and len(words) == 1:
                    prefixes.append((words[0].casefold(), hit))
                elif len(words) == 1:
                    (exact if is_exact else folded).setdefault(words[0], set()).add(hit)
                else:
                    phrases.setdefault(words[0].casefold(), []).append((hit, is_exact, words))
        return cls({k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in folded.items()},
                   {k: tuple(v) for k, v in phrases.items()}, tuple(p for p, _ in prefixes),
                   tuple(h for _, h in prefixes))

    def hits(self, words: list[str], lowered: list[str]) -> set[_Hit]:
        """Which rules' keyword lists have a word or phrase of ``words`` (as printed and case-folded)."""
        found: set[_Hit] = set()
        for i, word in enumerate(words):
            low = lowered[i]
            found.update(self.exact.get(word, ()))
            found.update(self.folded.get(low, ()))
            if self.prefixes and low.startswith(self.prefixes):
                found.update(h for p, h in zip(self.prefixes, self.prefix_hits, strict=True) if low.startswith(p))
            for hit, is_exact, phrase in self.phrases.get(low, ()):
                window = words[i:i + len(phrase)] if is_exact else lowered[i:i + len(phrase)]
                if tuple(window) == phrase:
                    found.add(hit)
        return found


@dataclass(frozen=True)
class Rule:
    topic: Topic
    categories: frozenset[str]


MEMO_SIZE = 5_000


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order, and their compiled rules.

    Results are memoised: a news line repeats the same headlines on every page of a site.
    """

    topics: tuple[Topic, ...]
    rules: tuple[Rule, ...]
    index: Index
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
        hits = self.index.hits(words, [w.casefold() for w in words])
        for n, rule in enumerate(self.rules):
            if (n, True) in hits:
                continue
            if (cat and cat in rule.categories) or (n, False) in hits:
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
    rules = tuple(Rule(t, frozenset(c.casefold() for c in t.categories)) for t in topics)
    index = Index.build([((n, False), t.keywords) for n, t in enumerate(topics)]
                        + [((n, True), t.exclude) for n, t in enumerate(topics)])
    return Taxonomy(tuple(topics), rules, index)
