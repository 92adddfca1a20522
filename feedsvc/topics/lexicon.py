"""The shipped lexicon: per topic, general news words in each language, the section names sites print,
and the IPTC Media Topic code; indexed by lookup key so a text is matched against every topic in one pass."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import resources
from ..errors import ConfigError
from .words import Keys, fold, keys_for, tokens

# A hit: which topic, and which entry of the lexicon (for --explain).
Hit = tuple[str, str]
# What one word looks up to: its single-word hits, the phrases it may open, and its keys.
_Looked = tuple[tuple[Hit, ...], tuple[tuple[Hit, tuple[str, ...]], ...], frozenset[str]]
MEMO_WORDS = 100_000


@dataclass(frozen=True)
class WordIndex:
    """Entries of one language (plus the ones every language shares), by lookup key."""

    keys: Keys
    single: dict[str, tuple[Hit, ...]]
    phrases: dict[str, tuple[tuple[Hit, tuple[str, ...]], ...]]  # by the key of the phrase's first word
    endings: tuple[str, ...]  # ``*krieg``: words that end so (compounds)
    ending_hits: tuple[Hit, ...]
    capitals: tuple[tuple[str, Hit], ...] = ()  # ``UN*``: words in capitals that start so (UNESCO, UNDP)
    memo: dict[str, _Looked] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, keys: Keys, entries: Iterable[tuple[str, str]]) -> WordIndex:
        """``entries`` are (label, term): a word, ``word=`` for the exact form, ``*word`` for a word's end,
        ``CAPS*`` for words in capitals that start so, or words with spaces; a trailing ``~`` marks a weak word."""
        single: dict[str, list[Hit]] = {}
        phrases: dict[str, list[tuple[Hit, tuple[str, ...]]]] = {}
        endings: list[tuple[str, Hit]] = []
        capitals: list[tuple[str, Hit]] = []
        for label, term in entries:
            parts = [p + "=" if term.endswith("=") and not p.endswith("=") else p for p in tokens(term)]
            if term.endswith("~") and parts:
                parts[-1] += "~"
            if not parts:
                continue
            if len(parts) == 1 and term.endswith("*") and term[:-1].isupper():
                capitals.append((term[:-1], (label, term)))
                continue
            if len(parts) == 1 and term.startswith("*"):
                endings.append((fold(term[1:].removesuffix("~")), (label, term)))
                continue
            wanted = tuple(keys.entry(p) for p in parts)
            if len(wanted) == 1:
                single.setdefault(wanted[0], []).append((label, term))
            else:
                phrases.setdefault(wanted[0], []).append(((label, term), wanted))
        return cls(keys, {k: tuple(v) for k, v in single.items()}, {k: tuple(v) for k, v in phrases.items()},
                   tuple(e for e, _ in endings), tuple(h for _, h in endings), tuple(capitals))

    def hits(self, words: Sequence[str]) -> list[Hit]:
        """Every entry that ``words`` (printed tokens of one text) contain, in text order."""
        looked = [self._word(w) for w in words]
        found: list[Hit] = []
        for i, (single, phrases, _) in enumerate(looked):
            found.extend(single)
            for hit, wanted in phrases:
                if i + len(wanted) <= len(looked) and all(k in looked[i + j][2] for j, k in enumerate(wanted) if j):
                    found.append(hit)
        return found

    def _word(self, word: str) -> _Looked:
        """One word's single-word hits, the phrases it may open, and its keys (memoised: words repeat)."""
        got = self.memo.get(word)
        if got is not None:
            return got
        keys = self.keys.of(word)
        single: list[Hit] = []
        phrases: list[tuple[Hit, tuple[str, ...]]] = []
        low = keys[1][1:]
        if self.endings and low.endswith(self.endings):
            single += [h for e, h in zip(self.endings, self.ending_hits, strict=True) if low.endswith(e) and len(low) > len(e)]
        if self.capitals and word.isupper():
            single += [h for start, h in self.capitals if word.startswith(start) and len(word) > len(start) + 1]
        for key in keys:
            single += self.single.get(key, ())
            phrases += self.phrases.get(key, ())
        if len(self.memo) > MEMO_WORDS:
            self.memo.clear()
        self.memo[word] = got = (tuple(single), tuple(phrases), frozenset(keys))
        return got


@dataclass(frozen=True, eq=False)
class Lexicon:
    topics: tuple[str, ...]
    iptc: dict[str, str]  # topic -> IPTC Media Topic code
    sections: dict[str, frozenset[str]]  # folded section name -> topics
    words: dict[str, dict[str, tuple[str, ...]]]  # language -> topic -> terms
    shared: dict[str, tuple[str, ...]]  # topic -> terms of every language
    home: dict[str, str]  # language -> the country a site writing it is taken to be in
    place_words: dict[str, dict[str, tuple[str, ...]]]  # language -> country code -> extra names
    speech: dict[str, tuple[str, ...]]  # language -> verbs of saying

    def index(self, language: str) -> WordIndex:
        return _index(self, language)

    def speech_index(self, language: str) -> WordIndex:
        return _speech_index(self, language)

    def section_topics(self, category: str | None) -> frozenset[str]:
        """Topics a printed section name stands for (the whole name, or its last word: ``Daxili siyasət``)."""
        if not category:
            return frozenset()
        folded = " ".join(fold(w) for w in category.split())
        found = self.sections.get(folded)
        if found is None and " " in folded:
            found = self.sections.get(folded.rsplit(" ", 1)[1])
        return found or frozenset()


@lru_cache(maxsize=64)
def _index(lexicon: Lexicon, language: str) -> WordIndex:
    entries = [(t, term) for t, terms in lexicon.shared.items() for term in terms]
    entries += [(t, term) for t, terms in lexicon.words.get(language, {}).items() for term in terms]
    return WordIndex.build(keys_for(language), entries)


@lru_cache(maxsize=64)
def _speech_index(lexicon: Lexicon, language: str) -> WordIndex:
    return WordIndex.build(keys_for(language), [("speech", v) for v in lexicon.speech.get(language, ())])


def default_path() -> Path:
    return resources.topics_file("lexicon.toml")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a table")
    return value


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Lexicon:
    """Read the lexicon file: ``[topic.SLUG]`` with iptc, sections, shared and ``words.LANG`` lists."""
    path = path or default_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    topics = _table(data.get("topic"), f"{path}: [topic]")
    iptc: dict[str, str] = {}
    sections: dict[str, set[str]] = {}
    words: dict[str, dict[str, tuple[str, ...]]] = {}
    shared: dict[str, tuple[str, ...]] = {}
    for slug, raw in topics.items():
        where = f"{path}: topic {slug!r}"
        table = _table(raw, where)
        if isinstance(table.get("iptc"), str):
            iptc[slug] = str(table["iptc"])
        for name in _strings(table.get("sections", []), f"{where}: sections"):
            sections.setdefault(" ".join(fold(w) for w in name.split()), set()).add(slug)
        shared[slug] = _strings(table.get("shared", []), f"{where}: shared")
        for lang, terms in _table(table.get("words", {}), f"{where}: words").items():
            words.setdefault(lang, {})[slug] = _strings(terms, f"{where}: words.{lang}")
    home = {k: str(v) for k, v in _table(data.get("home", {}), f"{path}: [home]").items()}
    place_words: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, raw in _table(data.get("places", {}), f"{path}: [places]").items():
        table = _table(raw, f"{path}: places.{lang}")
        place_words[lang] = {code: _strings(v, f"{path}: places.{lang}.{code}") for code, v in table.items()}
    speech = {lang: _strings(v, f"{path}: speech.{lang}")
              for lang, v in _table(data.get("speech", {}), f"{path}: [speech]").items()}
    return Lexicon(tuple(topics), iptc, {k: frozenset(v) for k, v in sections.items()}, words, shared, home,
                   place_words, speech)
