"""Near-duplicate headlines are one story: clustering by shared content words."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]{3,}|\d{2,}")
# Words that say nothing about which story a headline tells.
_STOP = frozenset(["the", "and", "for", "with", "from", "into", "over", "after", "before", "about", "says", "said", "say", "will", "would", "could", "may", "might", "can", "has", "have", "had", "was", "were", "are", "is", "been", "being", "not", "but", "its", "their", "there", "this", "that", "these", "those", "his", "her", "our", "new", "also", "amid", "than", "then", "what", "when", "who", "whom", "which", "while", "week", "weeks", "day", "days", "year", "years", "next", "last", "first", "more", "most", "says"])
COMMON_SHARE = 0.2  # a word in more than this share of headlines (and over COMMON_FLOOR) links nothing
COMMON_FLOOR = 50  # below this many headlines with a word, it is always compared: small days cluster too


def words(title: str) -> frozenset[str]:
    """The content words of a headline, lower-cased."""
    return frozenset(w for w in (m.group(0).lower() for m in _WORD.finditer(title)) if w not in _STOP)


def same_story(a: frozenset[str], b: frozenset[str]) -> bool:
    """Most of the shorter headline's words recur in the other, or the two share half their words.

    "Trump says there could be Gaza deal next week" and "Trump says Gaza ceasefire deal may come next week
    after 'positive' Hamas response" are one story; two statements by the same president on different
    subjects share too few words to be.
    """
    shared = len(a & b)
    if shared < 2:
        return False
    smaller = min(len(a), len(b))
    return (shared >= 3 and shared >= 0.75 * smaller) or shared >= 0.5 * len(a | b)


def cluster(titles: Sequence[str]) -> list[list[int]]:
    """Indexes of ``titles`` grouped into stories, each group in input order, groups by first member."""
    sets = [words(t) for t in titles]
    parent = list(range(len(titles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(sets):
        for w in ws:
            postings[w].append(i)
    limit = max(COMMON_FLOOR, int(COMMON_SHARE * len(titles)))
    compared: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) > limit:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if (i, j) in compared:
                    continue
                compared.add((i, j))
                if find(i) != find(j) and same_story(sets[i], sets[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(titles)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])
