"""Topics: a user-edited TOML taxonomy, and the classifier that places items in it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import cached_property
from pathlib import Path

from .. import resources
from ..errors import ConfigError
from . import lexicon as lexicon_mod
from .classify import Decision, Item, Pins, decide
from .config_files import field, read_toml
from .lexicon import Lexicon

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
    include: tuple[str, ...] = ()
    lexicon: str | None = None  # the shipped lexicon topic whose words and sections it uses
    iptc: str | None = None  # IPTC Media Topic code (``medtop:11000000``)


_TOKEN = re.compile(r"\w+")


def _is_exact(term: str) -> bool:
    """Keywords in capitals (``UN``, ``OPEC``) match case-sensitively; all others in any case."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


# What a rule's hit says: topic number, which list (keywords, exclude, include), and the term.
_Hit = tuple[int, str, str]
KEYWORDS, EXCLUDE, INCLUDE = "keywords", "exclude", "include"


@dataclass(frozen=True)
class Index:
    """Every rule's keywords indexed by word, so a text is matched against all topics in one pass."""

    exact: dict[str, tuple[_Hit, ...]]  # keywords in capitals, matched case-sensitively
    folded: dict[str, tuple[_Hit, ...]]
    phrases: dict[str, tuple[tuple[_Hit, bool, tuple[str, ...]], ...]]  # by first word, case-folded
    prefixes: tuple[str, ...]  # ``energ*``
    prefix_hits: tuple[_Hit, ...]  # the hit of each prefix

    @classmethod
    def build(cls, lists: Iterable[tuple[int, str, Iterable[str]]]) -> Index:
        exact: dict[str, set[_Hit]] = {}
        folded: dict[str, set[_Hit]] = {}
        phrases: dict[str, list[tuple[_Hit, bool, tuple[str, ...]]]] = {}
        prefixes: list[tuple[str, _Hit]] = []
        for n, kind, terms in lists:
            for term in terms:
                hit = (n, kind, term)
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

    @property
    def any(self) -> bool:
        """Whether there is any rule to match at all."""
        return bool(self.exact or self.folded or self.phrases or self.prefixes)

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
_MemoKey = tuple[str, str, str, tuple[str, ...], str, str]


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order, the user's compiled rules, and the shipped lexicon they draw on.

    Results are memoised: a news line repeats the same headlines on every page of a site.
    """

    topics: tuple[Topic, ...]
    rules: tuple[Rule, ...]
    index: Index
    lexicon: Lexicon
    _memo: dict[_MemoKey, tuple[str, ...]] = dataclass_field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def builtin(self) -> dict[str, str]:
        """Each topic that draws on the shipped lexicon, and the lexicon topic it draws on."""
        return {t.slug: t.lexicon for t in self.topics if t.lexicon}

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.topics)

    def get(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)

    def classify(self, title: str, *, lede: str | None = None, category: str | None = None,
                 given: Iterable[str] = (), home: str | None = None, place: str | None = None) -> tuple[str, ...]:
        """Slugs of every topic the item belongs to, in taxonomy order (see ``decide``)."""
        key = (title, lede or "", category or "", tuple(given), home or "", place or "")
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        decision = self.decide(Item(title, lede, category, None, home, place), given=key[3])
        self._memo[key] = result = tuple(s for s in self.slugs if s in decision.topics)
        return result

    def decide(self, item: Item, *, given: Iterable[str] = (), explain: bool = False) -> Decision:
        """The topics of ``item`` and the signals behind each: the lexicon, then the user's rules."""
        pins = self._pins(item)
        for slug in given:
            pins.added.setdefault(slug, ("given by the source",))
        return decide(self.lexicon, item, builtin=self.builtin, pins=pins, explain=explain)

    def _pins(self, item: Item) -> Pins:
        words = _TOKEN.findall(item.title + " " + (item.lede or "")) if self.index.any else []
        hits = self.index.hits(words, [w.casefold() for w in words])
        lists: dict[str, dict[str, list[str]]] = {KEYWORDS: {}, EXCLUDE: {}, INCLUDE: {}}
        for n, kind, term in sorted(hits):
            lists[kind].setdefault(self.topics[n].slug, []).append(f"{kind} {term!r}")
        cat = (item.category or "").casefold()
        for rule in self.rules:
            if cat and cat in rule.categories:
                lists[KEYWORDS].setdefault(rule.topic.slug, []).append(f"category {item.category!r}")
        return Pins(*({k: tuple(v) for k, v in lists[kind].items()} for kind in (KEYWORDS, INCLUDE, EXCLUDE)))


def default_path() -> Path:
    return resources.data_file("topics.toml")


def load(path: Path | None = None) -> Taxonomy:
    """Read a topics file: ``[[topic]]`` tables with slug, title, description, keywords, categories,
    include, exclude, lexicon and iptc."""
    path = path or default_path()
    data = read_toml(path)
    lexicon = lexicon_mod.load()
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
        uses = field(table, "lexicon", str, where, default=slug if slug in lexicon.topics else "")
        if uses and uses not in lexicon.topics:
            raise ConfigError(f"{where}: lexicon must be one of {', '.join(lexicon.topics)} (or \"\" for none)")
        topics.append(Topic(
            slug=slug,
            title=field(table, "title", str, where),
            description=field(table, "description", str, where, default=""),
            keywords=tuple(field(table, "keywords", list, where, default=[])),
            categories=tuple(field(table, "categories", list, where, default=[])),
            exclude=tuple(field(table, "exclude", list, where, default=[])),
            include=tuple(field(table, "include", list, where, default=[])),
            lexicon=uses or None,
            iptc=field(table, "iptc", str, where, default=lexicon.iptc.get(uses, "")) or None,
        ))
    rules = tuple(Rule(t, frozenset(c.casefold() for c in t.categories)) for t in topics)
    index = Index.build([(n, kind, getattr(t, kind)) for n, t in enumerate(topics)
                         for kind in (KEYWORDS, EXCLUDE, INCLUDE)])
    return Taxonomy(tuple(topics), rules, index, lexicon)
