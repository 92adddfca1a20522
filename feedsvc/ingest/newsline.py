"""News lines: sidebars of headline and timestamp pairs, in any order, found anywhere on a page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import boilerplate, dates
from .records import Stamp

_MAX_TITLE = 400
_RELATIVE_ENDS = ("ago", "назад", "əvvəl", "öncə")  # `2 hours ago` and its kin end a line


@dataclass(frozen=True)
class Pair:
    title: str
    stamp: Stamp
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Block:
    """A run of pairs; ``lines`` are the indexes of every page line it consumed."""

    pairs: tuple[Pair, ...]
    lines: frozenset[int]


@lru_cache(maxsize=8192)
def _is_title(line: str) -> bool:
    # Memoised: a news line repeats the same headlines on every page of a site.
    text = line.strip()
    return 2 <= len(text) <= _MAX_TITLE and any(c.isalpha() for c in text) and not boilerplate.is_furniture(text)


def _inline(line: str, ctx: dates.Context) -> tuple[str, Stamp] | None:
    """A headline and its time on one line: ``20:20 Headline`` or ``Headline 20:20 05.07.2025``."""
    text = line.strip()
    if len(text) > _MAX_TITLE + 40 or not (text[:1].isdigit() or text[-1:].isdigit()
                                            or text[-5:].casefold().endswith(_RELATIVE_ENDS)):
        return None
    found = dates.find(text, ctx, allow_relative=True) or dates.find_time_only(text, ctx)
    if found is None:
        return None
    if found.start == 0:
        title = text[found.end:].strip(" -–—|·•:,")
    elif found.end == len(text):
        title = text[:found.start].strip(" -–—|·•:,")
    else:
        return None
    return (title, found.stamp) if _is_title(title) and dates.whole(title, ctx) is None else None


def find_blocks(lines: Sequence[str], ctx: dates.Context) -> list[Block]:
    """Every news-line block: two or more pairs, or one pair under a news-line heading.

    Each line is classified once (timestamp, headline-like, or headline with its time inline); the three
    possible alignments are then compared as runs of line indexes, and only the longest becomes pairs.
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    count = len(nonblank)
    stamps = [dates.whole(lines[i], ctx) for i in nonblank]
    titles: list[bool | None] = [False if st is not None else None for st in stamps]  # None: not computed

    def title_at(k: int) -> bool:
        if titles[k] is None:
            titles[k] = _is_title(lines[nonblank[k]])
        return bool(titles[k])

    inline: list[tuple[str, Stamp] | None | bool] = [False] * count  # False: not computed yet

    def inline_at(k: int) -> tuple[str, Stamp] | None:
        if inline[k] is False:
            inline[k] = _inline(lines[nonblank[k]], ctx) if stamps[k] is None else None
        return inline[k] or None  # type: ignore[return-value]

    def paired_run(k: int, title_first: bool) -> int:
        """How many pairs an alignment starting at nonblank index ``k`` makes."""
        n = 0
        while k + 1 < count and nonblank[k + 1] == nonblank[k] + 1:
            t, st = (k, k + 1) if title_first else (k + 1, k)
            if stamps[st] is None or not title_at(t):
                break
            n += 1
            k += 2
        return n

    def inline_run(k: int) -> int:
        n = 0
        while k < count and inline_at(k) is not None:
            n += 1
            k += 1
        return n

    blocks: list[Block] = []
    k = 0
    while k < count:
        if stamps[k] is None and (k + 1 >= count or stamps[k + 1] is None) and inline_at(k) is None:
            k += 1
            continue
        title_first, stamp_first, one_line = paired_run(k, True), paired_run(k, False), inline_run(k)
        if title_first and stamp_first == 0 and k + 1 < count:
            # A body line just above a stamp-first list must not be read as its first headline.
            shifted = paired_run(k + 1, False)
            if shifted and 2 * shifted + k + 1 > 2 * title_first + k:
                title_first = 0
        best = max((2 * title_first, "title_first"), (2 * stamp_first, "stamp_first"), (one_line, "inline"))
        size = title_first if best[1] == "title_first" else stamp_first if best[1] == "stamp_first" else one_line
        headed = k > 0 and boilerplate.is_newsline_heading(lines[nonblank[k - 1]])
        if size >= 2 or (size == 1 and headed):
            pairs = []
            for n in range(size):
                if best[1] == "inline":
                    got = inline_at(k + n)
                    assert got is not None
                    pairs.append(Pair(" ".join(got[0].split()), got[1], (nonblank[k + n],)))
                    continue
                a, b = k + 2 * n, k + 2 * n + 1
                t, st = (a, b) if best[1] == "title_first" else (b, a)
                stamp = stamps[st]
                assert stamp is not None
                pairs.append(Pair(" ".join(lines[nonblank[t]].split()), stamp.stamp, (nonblank[a], nonblank[b])))
            used = {i for p in pairs for i in p.lines}
            if headed:
                used.add(nonblank[k - 1])
            blocks.append(Block(tuple(pairs), frozenset(used)))
            k += size if best[1] == "inline" else 2 * size
        else:
            k += 1
    return blocks
