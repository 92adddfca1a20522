"""A small bar chart drawn as SVG on the server: one row of daily bars per series, no scripts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    count: int


@dataclass(frozen=True)
class Row:
    label: str
    total: int
    top: float  # where the row's baseline area starts
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    row_height: int
    label_width: int
    peak: int
    rows: tuple[Row, ...]
    first: date
    last: date


def daily_bars(series: Mapping[str, Mapping[date, int]], labels: Sequence[tuple[str, str]], days: Sequence[date], *,
               label_width: int = 110, bar_width: int = 12, row_height: int = 34) -> Chart:
    """Rows in the order of ``labels`` (key, label), one bar per day, all scaled to the highest day."""
    peak = max((n for key, _ in labels for n in series.get(key, {}).values()), default=0)
    rows = []
    for index, (key, label) in enumerate(labels):
        counts = series.get(key, {})
        top = index * row_height + 4
        bars = []
        for position, day in enumerate(days):
            n = counts.get(day, 0)
            height = (row_height - 8) * n / peak if peak else 0.0
            bars.append(Bar(x=label_width + position * bar_width, y=round(top + row_height - 8 - height, 2),
                            width=bar_width - 2, height=round(height, 2), day=day, count=n))
        rows.append(Row(label, sum(counts.get(d, 0) for d in days), top, tuple(bars)))
    return Chart(width=label_width + len(days) * bar_width + 60, height=len(labels) * row_height + 8,
                 row_height=row_height, label_width=label_width, peak=peak, rows=tuple(rows),
                 first=days[0], last=days[-1])
