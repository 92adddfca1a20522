"""What each line of a page looks like: length, words, stop-word share, closing punctuation, dates."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import stopwordsiso

from . import boilerplate, dates

_STORE_STAMP = re.compile(r"^[ \t]*date \d{4}-\d{2}(?:-\d{2})?(?=[ \t\n]|$)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLOSERS = "\"'”»)]’“«"
_TERMINAL = ".!?…:;"
_STOP_LANGUAGES = ("en", "ru", "tr", "uk", "de", "fr", "kk", "uz", "az", "es", "it", "pl", "pt", "nl")
_SEPARATORS = re.compile(r"\s[|•·]\s|\s/\s|\s»\s|\s>\s")
_LIST_ITEM = re.compile(r"^\d{1,2}[.)]\s")
_LIST_DASH = re.compile(r"\s[-–—|]\s+[\"“«‘]?[^\W\d_]")
_TEMPLATE = re.compile(r"^\{[\w-]+\}$|^(?:none|null|undefined|nan)$", re.IGNORECASE)
_SYMBOLS = re.compile(r"^[\W\d_]*$")
_DIGIT = re.compile(r"\d")
_INNER_STOP = re.compile(r"[.!?…][\"”»’)]*\s+[\"“«„(]*([^\W\d_])")
_MARKUP = re.compile(r"<\s*/?\s*[a-z][\w-]*(?:\s[^<>]*)?>|&(?:nbsp|amp|quot|#\d+);|https?://|www\.", re.IGNORECASE)


@lru_cache(maxsize=1)
def _stop_lists() -> dict[str, frozenset[str]]:
    return {lang: frozenset(stopwordsiso.stopwords(lang)) for lang in _STOP_LANGUAGES if stopwordsiso.has_lang(lang)}


@dataclass(frozen=True)
class Line:
    """One non-blank page line and the evidence about it."""

    index: int
    text: str
    words: int
    stop_share: float
    terminal: bool  # ends a sentence
    inner_stop: bool  # holds a sentence end before its last word
    furniture: bool
    separated: bool  # a row of menu items or breadcrumbs
    symbols: bool  # no letters at all
    date: dates.Found | None
    repeated: bool  # printed more than once on the page
    last: int  # the last page line it covers (hard-wrapped text is read as one line)
    digits: int


def strip_store_stamp(text: str) -> tuple[str, bool]:
    """A page store's `` date YYYY-MM-DD`` stamp at the start of a page, removed."""
    m = _STORE_STAMP.match(text)
    return (text[m.end():], True) if m else (text, False)


@lru_cache(maxsize=1)
def _stop_index() -> dict[str, tuple[str, ...]]:
    """Each stop word and the languages that list it."""
    index: dict[str, list[str]] = {}
    for lang, stops in _stop_lists().items():
        for w in stops:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


def language(texts: list[str]) -> str | None:
    """The language whose stop words cover most of the page's words."""
    words = _WORD.findall(" ".join(texts)[:1500].casefold())
    if len(words) < 8:
        return None
    index = _stop_index()
    hits: dict[str, int] = {}
    for w in words:
        for lang in index.get(w, ()):
            hits[lang] = hits.get(lang, 0) + 1
    if not hits:
        return None
    lang, n = max(hits.items(), key=lambda kv: (kv[1], -_STOP_LANGUAGES.index(kv[0])))
    return lang if n >= 3 else None


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " ")
    return core.endswith(tuple(_TERMINAL)) and not core.endswith(("...", "…")) or (
        core.endswith(("...", "…")) and len(core.split()) > 12)


def _unwrapped(kept: list[tuple[int, str]], stops: frozenset[str]) -> list[tuple[int, str, int]]:
    """Hard-wrapped paragraphs joined: a line that stops mid-sentence (its next line opens in lower case, or
    it ends on a stop word) runs on into the next line."""
    out: list[tuple[int, str, int]] = []
    for i, text in kept:
        if out:
            first, prev, last = out[-1]
            tail = prev.rsplit(" ", 1)[-1]
            if (last == i - 1 and len(prev) >= 30 and not _ends_sentence(prev) and not prev.endswith(_CLOSERS)
                    and (text[:1].islower() or tail.casefold() in stops and tail.islower() and len(tail) <= 7)
                    and not is_chrome(text) and not _SYMBOLS.match(text)):
                out[-1] = (first, f"{prev} {text}", i)
                continue
        out.append((i, text, i))
    return out


def read(lines: list[str], skip: frozenset[int], ctx: dates.Context) -> list[Line]:
    """Every non-blank line not in ``skip``, with its evidence."""
    kept = [(i, " ".join(line.split())) for i, line in enumerate(lines) if i not in skip and line.strip()]
    lang = language(sorted((t for _, t in kept[:60]), key=len, reverse=True)[:4])
    stops = _stop_lists().get(lang or "", frozenset())
    seen = Counter(t.casefold() for _, t in kept)
    out: list[Line] = []
    for i, text, last in _unwrapped(kept, stops):
        words, share, terminal, inner, chrome, separated, symbols, digits = _evidence(text, lang)
        found = None
        # times matter only on short lines: meta lines, headlines led by a date, other stories' stamps
        if len(text) < 60 or words <= 24 and _DIGIT.search(text):
            found = dates.find(text, ctx, allow_relative=True)
            if found is None and len(text) <= 60:
                found = dates.find_time_only(text, ctx)
        out.append(Line(
            index=i, text=text, words=words, stop_share=share, terminal=terminal, inner_stop=inner,
            furniture=chrome, separated=separated, symbols=symbols, date=found,
            repeated=seen[text.casefold()] > 1, last=last, digits=digits,
        ))
    return out


@lru_cache(maxsize=16384)
def _evidence(text: str, lang: str | None) -> tuple[int, float, bool, bool, bool, bool, bool, int]:
    """What a line's text alone says (memoised: a site prints the same furniture on every page)."""
    stops = _stop_lists().get(lang or "", frozenset())
    words = _WORD.findall(text)
    share = sum(1 for w in words if w.casefold() in stops) / len(words) if words and stops else 0.0
    core = text.rstrip(_CLOSERS + " ")
    inner = any(m.group(1).isupper() for m in _INNER_STOP.finditer(core[:-1]))
    return (len(words), share, _ends_sentence(text), inner, is_chrome(text), _separated(text, inner),
            bool(_SYMBOLS.match(text)), len(_DIGIT.findall(text)))


def _separated(text: str, inner_stop: bool) -> bool:
    """A row of menu items, breadcrumbs, or headlines strung together with dashes."""
    if len(_SEPARATORS.findall(f" {text} ")) >= 2 or len(text) < 80 and (text.endswith(" |") or text.startswith("| ")):
        return True
    dashes = len(_LIST_DASH.findall(text))
    return dashes >= 6 or dashes >= 3 and not inner_stop


_CHROME_WORDS = re.compile(
    r"\b(?:cookies?|newsletter|subscribe|subscription|sign up|log in|all rights reserved|copyright|"
    r"подписаться|подпишитесь|подписывайтесь|рассылк\w+|все права защищены|abunə|abone|bülten|tüm hakları|bütün hüquqlar)\b",
    re.IGNORECASE,
)


_SHARE_WORDS = """share shares sharing tweet facebook twitter telegram whatsapp wechat weibo tumblr linkedin
reddit pinterest vk viber email e-mail print copy link messenger odnoklassniki поделиться поделись поширити
paylaş paylas teilen partager compartir condividi"""
_SHARE = frozenset(_SHARE_WORDS.split())


def _is_share_row(text: str) -> bool:
    if len(text) > 80:
        return False
    words = [w for w in re.split(r"[\W_]+", text.casefold()) if w]
    return bool(words) and len(words) <= 8 and all(w in _SHARE for w in words)


def is_counter(text: str) -> bool:
    """A share, view or comment counter, or a share row: furniture that sits between a headline and its time."""
    return boilerplate.is_widget(text) or _is_share_row(text)


def is_chrome(text: str) -> bool:
    """Site furniture, template leftovers, counters, symbol rows, cookie and subscription boxes."""
    if boilerplate.is_furniture(text) or _TEMPLATE.match(text) or _is_share_row(text):
        return True
    if len(text) < 160 and (("<" in text or "&" in text or "http" in text or "www." in text)
                            and _MARKUP.search(text) or text.endswith(("»", "›", "→", "👇")) and text[:1] not in "«\""):
        return True  # markup left over, a bare address, or a link arrow
    return len(text) < 200 and bool(_CHROME_WORDS.search(text))


def _doubled(text: str) -> bool:
    """A caption printed twice on one line (``text text``)."""
    half = len(text) // 2
    return len(text) > 20 and text[:half].strip() == text[half:].strip()


def is_prose(line: Line, last: bool = False) -> bool:
    """Running text: a sentence or more, with the page language's stop words where they are known."""
    if line.furniture or line.symbols or line.separated:
        return False
    if line.stop_share and line.stop_share < 0.05 and line.words < 25:
        return False
    if line.terminal and (line.words >= 20 or line.words >= 12 and not line.text.rstrip(_CLOSERS).endswith(("?", "!"))
                          or line.words >= 4 and line.text.rstrip(_CLOSERS).endswith(".")):
        return True
    if line.inner_stop and (line.words >= 20 or last and line.words >= 12):
        return True
    return line.words >= 30 or (last and line.words >= 12)


def is_title_like(line: Line) -> bool:
    """Short enough for a headline, with letters, and not a sentence of running text."""
    text = line.text
    if line.digits * 4 > len(text) or (line.date is not None and line.date.start == 0 and line.date.stamp.inferred):
        return False  # a timestamp, or a news-line item led by its clock time
    if _doubled(text) or _LIST_ITEM.match(text) or text.startswith("(") and text.endswith(")"):
        return False  # a caption printed twice, a numbered key point, an editor's note
    return (2 <= len(line.text) <= 300 and line.words >= 1 and not line.furniture and not line.symbols
            and not line.separated and not (line.terminal and line.text.rstrip(_CLOSERS).endswith(".")
                                            and line.words > 25))
