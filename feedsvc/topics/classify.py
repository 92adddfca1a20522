"""The decision: which topics an item belongs to, and the signals that decided each.

Signals, weakest first: words of the shipped lexicon in the headline (1 point each) and lede (half a point),
the section name the page prints, countries named against the source's home country (the ``world`` rule),
then the user's own rules from the topics file, which always win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import language as language_mod
from . import places
from .lexicon import Lexicon
from .words import tokens

THRESHOLD = 1.0
SHORT_TITLE = 4  # words: the language of a shorter headline is judged with its lede
LEDE_WEIGHT = 0.5
WEAK = 0.5  # a word marked ~ in the lexicon counts half
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


def decide(lexicon: Lexicon, item: Item, *, builtin: dict[str, str], pins: Pins = Pins(),
           explain: bool = False) -> Decision:
    """Topics of ``item``; ``builtin`` maps each taxonomy slug to the lexicon topic whose words it uses.

    With ``explain``, the decision also says which signals decided (and left out) each topic.
    """
    title_words = tokens(item.title)
    lede_words = tokens(item.lede) if item.lede else []
    sample = item.title + " " + item.lede if item.lede and len(title_words) < SHORT_TITLE else item.title
    lang = item.language or language_mod.detect(sample)
    if lang == language_mod.UNSURE_CYRILLIC:
        lang = max(("ru", "uk"), key=lambda code: len(lexicon.index(code).hits(title_words + lede_words)))
    to_slug = _by_name(tuple(builtin.items()))
    score: dict[str, float] = {}
    why: dict[str, list[str]] = {}

    def say(slugs: Iterable[str], reason: str) -> None:
        for slug in slugs:
            why.setdefault(slug, []).append(reason)

    index = lexicon.index(lang)
    for where, words, weight in (("headline", title_words, 1.0), ("lede", lede_words, LEDE_WEIGHT)):
        for name, term in dict.fromkeys(index.hits(words)) if words else ():
            points = weight * (WEAK if term.endswith("~") else 1.0)
            for slug in to_slug.get(name, ()):
                score[slug] = score.get(slug, 0.0) + points
            if explain:
                say(to_slug.get(name, ()), f"{where} word {term!r} ({lang})")
    for name in lexicon.section_topics(item.category):
        for slug in to_slug.get(name, ()):
            score[slug] = score.get(slug, 0.0) + THRESHOLD
        say(to_slug.get(name, ()), f"section {item.category!r}")
    chosen = {slug for slug, points in score.items() if points >= THRESHOLD}
    for strong, weak in OVERRIDES.items():
        if chosen & set(to_slug.get(strong, ())):
            dropped = chosen & set(to_slug.get(weak, ()))
            chosen -= dropped
            say(dropped, f"left out: {strong} (war harm is not an incident)")
    speaker = _speaker(lexicon, lang, item.title, title_words)
    world = to_slug.get(WORLD, ())
    if world and not chosen.issuperset(world):
        reason = _world(lexicon, item, lang, title_words + lede_words, chosen | ({POLITICS} if speaker else set()))
        if reason:
            say(set(world) - chosen, reason)
            chosen.update(world)
    politics = set(to_slug.get(POLITICS, ())) - chosen
    if politics and chosen & set(world) and not chosen & _slugs(to_slug, OTHER_THAN_DIPLOMACY):
        chosen |= politics
        say(politics, "states or global bodies dealing with each other, on no other subject: diplomacy")
    elif politics and speaker and chosen & _slugs(to_slug, STATEMENT_ON):
        chosen |= politics
        say(politics, f"a statement ({speaker}) on war or foreign affairs")
    for slug, reasons in pins.added.items():
        chosen.add(slug)
        say([slug], "topics file: " + "; ".join(reasons))
    for slug, reasons in pins.excluded.items():
        chosen.discard(slug)
        say([slug], "topics file excludes: " + "; ".join(reasons))
    for slug, reasons in pins.included.items():
        chosen.add(slug)
        say([slug], "topics file includes: " + "; ".join(reasons))
    return Decision(frozenset(chosen), lang, {k: tuple(v) for k, v in why.items()})


@lru_cache(maxsize=16)
def _by_name(builtin: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    """The taxonomy's slugs by the lexicon topic they draw on."""
    out: dict[str, list[str]] = {}
    for slug, name in builtin:
        out.setdefault(name, []).append(slug)
    return {k: tuple(v) for k, v in out.items()}


def _slugs(to_slug: dict[str, tuple[str, ...]], names: Iterable[str]) -> set[str]:
    return {s for name in names for s in to_slug.get(name, ())}


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


