"""Site furniture that is never article text: navigation, widgets, related links and wire markers."""

from __future__ import annotations

import re

NAVIGATION = frozenset(w.casefold() for w in (
    # English
    "All news", "Latest news", "News line", "Newsline", "News feed", "Top news", "More news", "Top stories",
    "Home", "Menu", "Search", "Share", "Tweet", "Print", "Comments", "Comment", "Subscribe", "Follow us",
    "Advertisement", "Related news", "Related articles", "Related", "Most read", "Popular", "Read more",
    "Login", "Sign in", "Show more", "Load more", "Back to top", "Photo", "Video", "Gallery", "Live",
    # Russian
    "Все новости", "Последние новости", "Лента новостей", "Главное", "Поделиться", "Комментарии",
    "Подписаться", "Читать далее", "Показать ещё", "Популярное",
    # Azerbaijani and Turkish
    "Hamısı", "Son xəbərlər", "Xəbər lenti", "Bütün xəbərlər", "Paylaş", "Şərhlər", "Daha çox", "Ətraflı",
    "Tüm haberler", "Son dakika", "Haber akışı", "Paylaş", "Yorumlar",
))
NEWSLINE_HEADINGS = frozenset(w.casefold() for w in (
    "News line", "Newsline", "News feed", "Latest news", "Лента новостей", "Последние новости",
    "Xəbər lenti", "Son xəbərlər", "Haber akışı", "Son dakika",
))
_RELATED_PREFIX = re.compile(
    r"^(?:also read|read also|see also|read more|related|more on this|more:|"
    r"читайте также|смотрите также|по теме|həmçinin (?:oxuyun|bax)|oxu|ayrıca bakınız|ilgili haberler)\b",
    re.IGNORECASE,
)
_WIDGETS = frozenset(["facebook", "twitter", "x", "telegram", "whatsapp", "vk", "vkontakte", "linkedin", "email", "e-mail", "copy", "link", "odnoklassniki", "ok", "reddit", "pinterest", "share", "print"])
_COUNTER = re.compile(r"^(?:comments?|views?|likes?|shares?|просмотр\w*|комментари\w*|baxış\w*|şərh\w*)?"
                      r"\s*[:(]?\s*\d+\s*\)?\s*(?:comments?|views?|likes?|shares?|просмотр\w*|baxış\w*|şərh\w*)?$",
                      re.IGNORECASE)
_WIRE_END = re.compile(r"^(?:/?end/?|\(end\)|ends?|-0-|#+|\*+|—+|-+|/ТАСС/|/tass/|\(?[a-z]{1,4}/[a-z]{1,4}\)?|"
                       r"[A-Z]{2,}(?:/[A-Z]{2,}){1,3})$", re.IGNORECASE)
_CLOCK = re.compile(r"\b(?:\w+\s+)?time\b|время|vaxtı|saati\b", re.IGNORECASE)


def _key(line: str) -> str:
    return line.strip().strip(":.»«›>|·•").strip().casefold()


def is_navigation(line: str) -> bool:
    return _key(line) in NAVIGATION


def is_newsline_heading(line: str) -> bool:
    return _key(line) in NEWSLINE_HEADINGS


def is_related_link(line: str) -> bool:
    """``Also read: …`` and its kin in several languages."""
    return bool(_RELATED_PREFIX.match(line.strip()))


def is_widget(line: str) -> bool:
    """Share buttons, comment counters and the like."""
    if len(line) > 80:
        return False
    words = re.split(r"[\s|,/·•]+", line.strip().casefold())
    if words and all(w in _WIDGETS for w in words if w):
        return True
    return bool(_COUNTER.match(line.strip())) and any(c.isdigit() for c in line)


def is_wire_marker(line: str) -> bool:
    """End markers (``/End/``, ``-0-``) and wire codes (``ar/mr``)."""
    return bool(_WIRE_END.match(line.strip()))


_CLOCK_WORDS = ("time", "время", "vaxtı", "vaxti", "saati")  # a line without one of these is no clock


def is_clock(line: str) -> bool:
    """A site clock (``Moscow time 14:05``) rather than a publication time."""
    if len(line) >= 60:
        return False
    folded = line.casefold()
    return any(w in folded for w in _CLOCK_WORDS) and bool(_CLOCK.search(line))


def is_furniture(line: str) -> bool:
    """Any line that is never part of an article."""
    if len(line) > 80:  # navigation, widgets and wire markers are all short
        return is_related_link(line)
    return is_navigation(line) or is_widget(line) or is_wire_marker(line) or is_related_link(line)
