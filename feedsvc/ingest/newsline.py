"""News lines: runs of headline and timestamp pairs, in any arrangement, found anywhere on a page.

The page is cut into units (``spans``). Stamps that stand close together form a run; for each run four
arrangements are tried and the one whose chosen headlines look most like headlines wins:

- ``inline``: the headline is printed on the stamp's own line (``20:20 Headline``);
- ``before``: the stamp opens its item, the headline follows it (a teaser may follow the headline);
- ``after``: the headline comes right before its stamp (a teaser may follow the stamp);
- ``closing``: the stamp closes its item, under the headline and its teaser (RSS, cards).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from statistics import median

from . import boilerplate, dates, feed_markup, spans
from .records import Stamp
from .spans import Unit

_MAX_GAP = 8  # units between two stamps of one run
_SHORT_SENTENCE = 80  # a headline on a time's line may end with a full stop; a longer sentence opens an entry
_PAIR_SPREAD = 2 * 86400  # seconds between the two stamps of a news line of only two items
_ORDER = ("inline", "after", "before", "closing")  # on a tie, the arrangement that pairs nearer lines wins


@dataclass(frozen=True)
class Pair:
    title: str
    stamp: Stamp
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Block:
    """A run of pairs; ``lines`` are the indexes of every page line it consumed, ``roles`` say why."""

    pairs: tuple[Pair, ...]
    lines: frozenset[int]
    roles: Mapping[int, tuple[str, str]] = field(default_factory=dict)


def _text_score(us: list[Unit], k: int) -> float:
    return us[k].worth


def _pick(us: list[Unit], ks: Sequence[int]) -> int | None:
    """The headline among a group's units: the first good one, else a lone short label."""
    scored = [(k, _text_score(us, k)) for k in ks if not us[k].bare]
    best = next((k for k, s in scored if s >= spans.GOOD), None)
    if best is not None:
        return best
    if len(scored) == 1 and scored[0][1] > 0:
        return scored[0][0]
    return None


def _arrangements(us: list[Unit], run: list[int], lo: int) -> dict[str, list[tuple[int, int | None]]]:
    """Each arrangement's (stamp unit, headline unit or None for the stamp's own label) pairs."""
    gaps = [b - a - 1 for a, b in pairwise(run)] or [1]
    widest = max(1, max(gaps))
    tail = max(2, int(median(gaps)))
    out: dict[str, list[tuple[int, int | None]]] = {name: [] for name in _ORDER}
    for i, p in enumerate(run):
        prev = run[i - 1] if i else lo - 1
        nxt = run[i + 1] if i + 1 < len(run) else min(len(us), p + 1 + tail)
        if us[p].label and not us[p].tag and spans.score(us[p].label) >= spans.GOOD:
            if spans.score(us[p].label) >= 1.0 or len(us[p].label) <= _SHORT_SENTENCE:
                out["inline"].append((p, None))
            continue  # a stamp with its headline (or its entry's first sentence) on its line takes no other
        k = _pick(us, range(p + 1, min(nxt, p + 3)))
        if k is not None:
            out["before"].append((p, k))
        k = p - 1
        while k > prev and us[k].bare:
            k -= 1
        if k > prev and _text_score(us, k) > 0:
            out["after"].append((p, k))  # right above its stamp: a headline a blank line away starts an article
        if i:
            group = list(range(prev + 1, p))
        else:
            group = []
            k = p - 1
            while k > prev and us[k].stamp is None and len(group) < widest and not _heading(us[k]):
                group.insert(0, k)
                k -= 1
        k = _pick(us, group)
        if k is not None:
            out["closing"].append((p, k))
    return out


_META_WORDS = frozenset(("date", "published", "posted", "tarix", "дата", "опубликовано", "обновлено",
                         "yayınlanma", "güncelleme", "publié le", "mis à jour le", "veröffentlicht", "aktualisiert"))


def _meta_label(label: str) -> bool:
    """``Published: 3 March 2024``: the page's own time, printed on a meta line, is no news-line item."""
    return label.casefold().strip(" :") in _META_WORDS


def _heading(u: Unit) -> bool:
    return boilerplate.is_newsline_heading(u.text) or boilerplate.is_navigation(u.text)


def _value(us: list[Unit], pairs: list[tuple[int, int | None]]) -> float:
    return sum(spans.score(us[p].label) if t is None else _text_score(us, t) for p, t in pairs)


def _choose(us: list[Unit], run: list[int], lo: int) -> tuple[str, list[tuple[int, int | None]]]:
    options = _arrangements(us, run, lo)
    best = max(_ORDER, key=lambda name: (_value(us, options[name]), -_ORDER.index(name)))
    if best == "before" and len(options["closing"]) >= len(options["before"]):
        first = options["closing"][0][1] if options["closing"] else None
        if first is not None and first < run[0] and _teaser_follows(us, first, run[0]):
            best = "closing"  # the text above the first stamp has the shape of an item: it is the first item
    return best, options[best]


def _teaser_follows(us: list[Unit], title: int, stamp: int) -> bool:
    return any(us[k].stamp is None and len(us[k].text) > len(us[title].text) and spans.score(us[k].text) < 1.0
               for k in range(title + 1, stamp))


def _close_pair(us: list[Unit], chosen: list[tuple[int, int | None]]) -> bool:
    """Two pairs make a news line only with two good headlines printed within two days of each other."""
    worth = [spans.score(us[p].label) if t is None else us[t].worth for p, t in chosen]
    stamps = [us[p].stamp for p, _ in chosen]
    if any(w < spans.GOOD for w in worth) or any(s is None for s in stamps):
        return False
    if not all(s is not None and s.has_day for s in stamps):
        return True  # a bare time's day is only the capture day's guess
    a, b = (s.stamp.value for s in stamps if s is not None)
    return abs((a - b).total_seconds()) <= _PAIR_SPREAD


def _runs(us: list[Unit], stamps: list[int], blank: Sequence[bool]) -> list[list[int]]:
    """Stamps close together, cut where one gap is far wider than the run's usual one, or holds a blank line
    where the usual gaps hold none (an article's own time under a tight list)."""
    runs: list[list[int]] = []
    for k in stamps:
        if runs and k - runs[-1][-1] - 1 <= _MAX_GAP:
            runs[-1].append(k)
        else:
            runs.append([k])
    out: list[list[int]] = []
    for run in runs:
        gaps = [b - a - 1 for a, b in pairwise(run)]
        usual = median(gaps) if gaps else 0
        spaced = [any(blank[us[a].line + 1:us[b].line]) for a, b in pairwise(run)]
        tight = spaced.count(False) >= max(1, spaced.count(True))
        piece = [run[0]]
        for gap, space, k in zip(gaps, spaced, run[1:], strict=True):
            if (gap > 3 and gap > 3 * max(usual, 1)) or (tight and space):
                out.append(piece)
                piece = []
            piece.append(k)
        out.append(piece)
    return out


def _carry_days(us: list[Unit]) -> tuple[list[Unit], set[int]]:
    """Give bare times the day printed above them; the day headings themselves are no item's stamp."""
    headers: set[int] = set()
    stamped = [k for k, u in enumerate(us) if u.stamp is not None and not u.clock]
    day: dates.Found | None = None
    out = list(us)
    for n, k in enumerate(stamped):
        found = us[k].stamp
        assert found is not None
        following = us[stamped[n + 1]].stamp if n + 1 < len(stamped) else None
        if found.has_day and found.stamp.precision == "day" and following is not None and not following.has_day:
            day = found
            headers.add(k)
            back = n - 1  # the same day printed twice over the list is one heading
            while back >= 0 and (above := us[stamped[back]].stamp) is not None and above.stamp == found.stamp:
                headers.add(stamped[back])
                back -= 1
        elif found.has_day:
            day = us[k].day  # a date line joined with the time under it still heads the times below
        elif day is not None:
            out[k] = replace(us[k], stamp=spans.with_day(found, day))
    return out, headers


def find_blocks(lines: Sequence[str], ctx: dates.Context) -> list[Block]:
    """Every news-line block: two or more pairs, or one pair under a news-line heading; a raw feed's items."""
    feed = feed_markup.items(lines, ctx)
    if feed:
        roles = {i: ("news-line item", "a title or date element of a feed item") for it in feed for i in it.lines}
        return [Block(tuple(Pair(it.title, it.stamp, it.lines) for it in feed),
                      frozenset(i for it in feed for i in it.lines), roles)]
    us, headers = _carry_days(spans.units(lines, ctx))
    stamps = [k for k, u in enumerate(us) if u.stamp is not None and not u.clock and k not in headers
              and not _meta_label(u.label)]
    blocks: list[Block] = []
    lo = 0
    blank = [not line.strip() for line in lines]
    for run in _runs(us, stamps, blank):
        name, chosen = _choose(us, run, lo)
        first = min([p for p, _ in chosen] + [t for _, t in chosen if t is not None], default=run[0])
        headed = first > 0 and us[first - 1].stamp is None and boilerplate.is_newsline_heading(us[first - 1].text)
        tight = len(chosen) == 1 and (chosen[0][1] is None or abs(us[chosen[0][1]].line - us[chosen[0][0]].line) <= 1)
        if 2 * len(chosen) < len(run) or (len(chosen) == 2 and not _close_pair(us, chosen)):
            pass  # a column of dates, or two stray stamps (a site clock and the article's own time)
        elif len(chosen) >= 2 or (tight and headed):
            blocks.append(_block(us, name, chosen, headers, first - 1 if headed else None))
        lo = run[-1] + 1
    return blocks


def _block(us: list[Unit], name: str, chosen: list[tuple[int, int | None]], headers: set[int],
           heading: int | None) -> Block:
    pairs: list[Pair] = []
    roles: dict[int, tuple[str, str]] = {}
    for p, t in chosen:
        stamp_unit = us[p]
        assert stamp_unit.stamp is not None
        title = stamp_unit.label if t is None else us[t].text
        used = (stamp_unit.line,) if t is None else tuple(sorted({stamp_unit.line, us[t].line}))
        pairs.append(Pair(" ".join(title.split()), stamp_unit.stamp.stamp, used))
        if t is None:
            roles.setdefault(stamp_unit.line, ("news-line headline", f"{name}: headline and time on one line"))
        else:
            roles.setdefault(us[t].line, ("news-line headline",
                                          f"{name}: headline of the time on line {stamp_unit.line + 1}"))
            roles.setdefault(stamp_unit.line, ("news-line time",
                                               f"{name}: time of the headline on line {us[t].line + 1}"))
    lines = {i for pair in pairs for i in pair.lines}
    for k in headers:  # left to the article too: a day heading is often the page's own date
        if any(abs(k - p) <= _MAX_GAP for p, _ in chosen):
            roles.setdefault(us[k].line, ("news-line day", "a date heading over bare times"))
    if heading is not None:
        lines.add(us[heading].line)
        roles.setdefault(us[heading].line, ("news-line heading", "a news-line heading word"))
    return Block(tuple(pairs), frozenset(lines), roles)
