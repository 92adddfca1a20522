"""The decision: which topics an item belongs to, and the signals that decided each.

Signals, weakest first: words of the shipped lexicon in the headline (1 point each) and lede (half a point),
the section name the page prints, countries named against the source's home country (the ``world`` rule),
then the user's own rules from the topics file, which always win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import language as language_mod
from . import places
from .lexicon import Lexicon
from .words import tokens

THRESHOLD = 1.0
LEDE_WEIGHT = 0.5
WEAK = 0.5
# Topics of hard news: a foreign country named in one of these makes the item world news.
HARD = frozenset({"politics", "conflict", "business", "incidents"})
WORLD = "world"
# Harm caused by war is conflict, never an incident.
OVERRIDES = {"conflict": "incidents"}
# ``Name Surname: words...``: a headline that quotes a speaker. Someone speaking on a war or on foreign
# affairs is making a political statement.
SPEAKER = re.compile(r"^(?:[A-ZА-ЯЁІЇЄҐƏÖÜÇŞĞİ][\w'’.-]*\s){0,2}[A-ZА-ЯЁІЇЄҐƏÖÜÇŞĞİ][\w'’.-]*:\s")
SPEECH_WITHIN = 3  # a verb of saying this many words after the name at most
STATEMENT_ON = frozenset({"conflict", "world"})
POLITICS = "politics"
# World news on none of these subjects is diplomacy, and so politics.
OTHER_THAN_DIPLOMACY = frozenset({"conflict", "business", "sports", "incidents"})


@dataclass(frozen=True)
class Item:
    """What the classifier reads of one item."""

    title: str
    lede: str | None = None
    category: str | None = None
    language: str | None = None
    home: str | None = None  # the source's country (ISO 3166 alpha-2)
    place: str | None = None  # the dateline's place


@dataclass(frozen=True)
class Pins:
    """The user's rules that matched, by topic slug: added (keywords, categories), included, excluded."""

    added: dict[str, tuple[str, ...]] = field(default_factory=dict)
    included: dict[str, tuple[str, ...]] = field(default_factory=dict)
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    topics: frozenset[str]
    language: str
    signals: dict[str, tuple[str, ...]]  # topic -> what decided it (also for topics left out)


def decide(lexicon: Lexicon, item: Item, *, builtin: dict[str, str], pins: Pins = Pins()) -> Decision:
    """Topics of ``item``; ``builtin`` maps each taxonomy slug to the lexicon topic whose words it uses."""
    text = item.title + (" " + item.lede if item.lede else "")
    lang = item.language or language_mod.detect(text)
    to_slug: dict[str, list[str]] = {}
    for slug, name in builtin.items():
        to_slug.setdefault(name, []).append(slug)
    score: dict[str, float] = {}
    why: dict[str, list[str]] = {}

    def note(name: str, points: float, reason: str) -> None:
        for slug in to_slug.get(name, ()):
            score[slug] = score.get(slug, 0.0) + points
            why.setdefault(slug, []).append(reason)

    index = lexicon.index(lang)
    title_words = tokens(item.title)
    lede_words = tokens(item.lede) if item.lede else []
    for name, term in _unique(index.hits(title_words)):
        note(name, _weight(term), f"headline word {term!r} ({lang})")
    for name, term in _unique(index.hits(lede_words)):
        note(name, LEDE_WEIGHT * _weight(term), f"lede word {term!r} ({lang})")
    for name in sorted(lexicon.section_topics(item.category)):
        note(name, THRESHOLD, f"section {item.category!r}")
    chosen = {slug for slug, points in score.items() if points >= THRESHOLD}
    for strong, weak in OVERRIDES.items():
        for s in to_slug.get(strong, ()):
            for w in to_slug.get(weak, ()):
                if s in chosen and w in chosen:
                    chosen.discard(w)
                    why.setdefault(w, []).append(f"left out: {s} (war harm is not an incident)")
    speaker = _speaker(lexicon, lang, item.title, title_words)
    for slug in to_slug.get(WORLD, ()):
        hard = chosen | ({POLITICS} if speaker else set())
        reason = _world(lexicon, item, lang, title_words + lede_words, hard)
        if reason and slug not in chosen:
            chosen.add(slug)
            why.setdefault(slug, []).append(reason)
    world = {s for s in to_slug.get(WORLD, ()) if s in chosen}
    others = {s for name in OTHER_THAN_DIPLOMACY for s in to_slug.get(name, ())}
    if world and not chosen & others:
        for slug in set(to_slug.get(POLITICS, ())) - chosen:
            chosen.add(slug)
            why.setdefault(slug, []).append("states or global bodies dealing with each other, on no other "
                                            "subject: diplomacy")
    if speaker and chosen & {s for name in STATEMENT_ON for s in to_slug.get(name, ())}:
        for slug in set(to_slug.get(POLITICS, ())) - chosen:
            chosen.add(slug)
            why.setdefault(slug, []).append(f"a statement ({speaker}) on war or foreign affairs")
    for slug, reasons in pins.added.items():
        chosen.add(slug)
        why.setdefault(slug, []).extend(f"topics file: {r}" for r in reasons)
    for slug, reasons in pins.excluded.items():
        chosen.discard(slug)
        why.setdefault(slug, []).extend(f"topics file excludes: {r}" for r in reasons)
    for slug, reasons in pins.included.items():
        chosen.add(slug)
        why.setdefault(slug, []).extend(f"topics file includes: {r}" for r in reasons)
    return Decision(frozenset(chosen), lang, {k: tuple(v) for k, v in why.items()})


def _world(lexicon: Lexicon, item: Item, lang: str, words: list[str], chosen: set[str]) -> str | None:
    """Why the item is world news by the places it names, or None."""
    home = item.home or lexicon.home.get(lang)
    named = places.countries(lexicon, lang, words)
    codes = {code for code, _ in named}
    where = {code: term for code, term in reversed(named)}
    if item.place:
        at = places.of_place(lexicon, item.place)
        if at and at != home:
            return f"dateline {item.place!r} is in {at}, not the source's country {home or '(unknown)'}"
    if len(codes) >= 2:
        shown = ", ".join(f"{c} ({where[c]!r})" for c in sorted(codes))
        return f"two or more countries named: {shown}"
    foreign = sorted(codes - {home} if home else codes)
    if foreign and chosen & HARD:
        return (f"hard news naming {foreign[0]} ({where[foreign[0]]!r}), "
                f"not the source's country {home or '(unknown)'}")
    return None


def _speaker(lexicon: Lexicon, lang: str, title: str, words: list[str]) -> str | None:
    """How the headline quotes a speaker (``Name: ...`` or ``Name says ...``), or None."""
    colon = SPEAKER.match(title)
    if colon:
        return repr(colon.group(0)[:-2]) + ":"
    if words and words[0][:1].isupper():
        said = lexicon.speech_index(lang).hits(words[1:SPEECH_WITHIN + 1])
        if said:
            return f"{words[0]!r} {said[0][1]!r}"
    return None


def _weight(term: str) -> float:
    """A word marked ``~`` in the lexicon is weak: it counts half."""
    return WEAK if term.endswith("~") else 1.0


def _unique(hits: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each (topic, entry) once: a word repeated in a headline counts once."""
    return list(dict.fromkeys(hits))
