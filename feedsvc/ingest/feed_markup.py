"""News-line items of a page that is a raw RSS or Atom document, as a scraper may store one (often cut short).

Read with patterns rather than an XML parser: a stored page is usually cut in the middle of an element, and
an item counts once its title and its date are both there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import dates
from .records import Stamp

_ITEM = re.compile(r"<(?:item|entry)[\s>](?P<body>.*?)(?=</item>|</entry>|<item[\s>]|<entry[\s>]|\Z)", re.DOTALL)
_TITLE = re.compile(r"<title[^>]*>(?P<v>.*?)</title>", re.DOTALL)
_DATE = re.compile(r"<(?P<tag>pubDate|dc:date|published|updated)[^>]*>(?P<v>[^<]{4,60})</(?P=tag)>")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Item:
    title: str
    stamp: Stamp
    lines: tuple[int, ...]


def is_feed(text: str) -> bool:
    head = text[:600]
    return ("<rss" in head or "<feed" in head or "<channel" in head) and ("<item" in text or "<entry" in text)


def _clean(raw: str) -> str:
    raw = _CDATA.sub(r"\1", raw)
    return " ".join(html.unescape(_TAGS.sub(" ", raw)).split())


def items(lines: Sequence[str], ctx: dates.Context) -> list[Item]:
    """Every item with a title and a date, with the page lines of those two elements."""
    text = "\n".join(lines)
    if not is_feed(text):
        return []
    out: list[Item] = []
    for m in _ITEM.finditer(text):
        body, base = m.group("body"), m.start("body")
        title, when = _TITLE.search(body), _DATE.search(body)
        if title is None or when is None:
            continue
        found = dates.whole(when.group("v"), ctx)
        name = _clean(title.group("v"))
        if found is None or not name:
            continue
        at = (text.count("\n", 0, base + title.start()), text.count("\n", 0, base + when.start()))
        out.append(Item(name, found.stamp, tuple(sorted(set(at)))))
    return out
