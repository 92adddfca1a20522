"""News lines: sidebars of headline and timestamp pairs, in any order, found anywhere on a page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import boilerplate, dates
from .records import Stamp

_MAX_TITLE = 400
_RELATIVE_END = re.compile(r"(?:ago|назад|əvvəl|öncə)$", re.IGNORECASE)


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


def _is_title(line: str) -> bool:
    text = line.strip()
    return 2 <= len(text) <= _MAX_TITLE and any(c.isalpha() for c in text) and not boilerplate.is_furniture(text)


def _inline(line: str, ctx: dates.Context) -> tuple[str, Stamp] | None:
    """A headline and its time on one line: ``20:20 Headline`` or ``Headline 20:20 05.07.2025``."""
    text = line.strip()
    if len(text) > _MAX_TITLE + 40 or not (text[:1].isdigit() or text[-1:].isdigit() or _RELATIVE_END.search(text)):
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
    """Every news-line block: two or more pairs, or one pair under a news-line heading."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    stamps = {i: dates.whole(lines[i], ctx) for i in nonblank}

    def adjacent(a: int, b: int) -> bool:
        return b == a + 1

    def run(k: int, order: str) -> list[Pair]:
        pairs: list[Pair] = []
        while k < len(nonblank):
            i = nonblank[k]
            if order == "inline":
                got = _inline(lines[i], ctx) if stamps[i] is None else None
                if got is None:
                    break
                pairs.append(Pair(" ".join(got[0].split()), got[1], (i,)))
                k += 1
                continue
            if k + 1 >= len(nonblank):
                break
            j = nonblank[k + 1]
            t_idx, s_idx = (i, j) if order == "title_first" else (j, i)
            found = stamps[s_idx]
            if found is None or stamps[t_idx] is not None or not adjacent(i, j) or not _is_title(lines[t_idx]):
                break
            pairs.append(Pair(" ".join(lines[t_idx].split()), found.stamp, (i, j)))
            k += 2
        return pairs

    blocks: list[Block] = []
    k = 0
    while k < len(nonblank):
        candidates = [run(k, o) for o in ("title_first", "stamp_first", "inline")]
        if k + 1 < len(nonblank):
            # A body line just above a stamp-first list must not be read as its first headline.
            shifted = run(k + 1, "stamp_first")
            if shifted and (not candidates[0] or shifted[-1].lines[-1] > candidates[0][-1].lines[-1]):
                candidates[0] = []
        best = max(candidates, key=lambda p: sum(len(x.lines) for x in p))
        headed = k > 0 and boilerplate.is_newsline_heading(lines[nonblank[k - 1]])
        if len(best) >= 2 or (best and headed):
            used = {n for p in best for n in p.lines}
            if headed:
                used.add(nonblank[k - 1])
            blocks.append(Block(tuple(best), frozenset(used)))
            k = nonblank.index(max(used)) + 1
        else:
            k += 1
    return blocks
