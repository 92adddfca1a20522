"""One corpus file's bytes to classified records: the pure part of ingesting a file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import IngestError
from ..topics.sources import Sources
from ..topics.taxonomy import Taxonomy
from . import decode, jsonl, meta, pages
from .records import Article, Headline, PageMeta

SUFFIXES = (".txt", ".jsonl")


@dataclass(frozen=True)
class Extracted:
    """What one file yields: records to store (headlines not yet classified), and the lines that failed."""

    articles: tuple[Article, ...]
    headlines: tuple[Headline, ...]
    errors: tuple[IngestError, ...] = ()
    warnings: tuple[str, ...] = ()


def classify_article(a: Article, taxonomy: Taxonomy, home: str | None = None) -> Article:
    """``a`` with its topics; ``home`` is its source's country, for the ``world`` rule."""
    place = a.dateline.place if a.dateline else None
    return replace(a, topics=taxonomy.classify(a.title, lede=a.lede, category=a.category, given=a.given_topics,
                                               home=home, place=place))


def classify_headline(h: Headline, taxonomy: Taxonomy, home: str | None = None) -> Headline:
    return replace(h, topics=taxonomy.classify(h.title, lede=h.summary, given=h.given_topics, home=home))


def extract(path: Path, data: bytes, *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
            captured: datetime | None = None, page_meta: PageMeta | None = None) -> Extracted:
    """Decode, parse and classify one file; IngestError when the file as a whole cannot be used."""
    text = decode.decode(data, max_bytes=max_bytes)
    if path.suffix == ".jsonl":
        articles: list[Article] = []
        headlines: list[Headline] = []
        errors: list[IngestError] = []
        for _, record in jsonl.read(text, sources):
            if isinstance(record, IngestError):
                errors.append(record.at(str(path)))
            elif isinstance(record, Article):
                articles.append(classify_article(record, taxonomy, sources.country(record.source)))
            else:
                headlines.append(record)
        if not articles and not headlines and not errors:
            raise IngestError("no records in the file")
        return Extracted(tuple(articles), tuple(headlines), tuple(errors))
    page_meta = page_meta if page_meta is not None else meta.read(path)
    parsed = pages.parse_page(text, sources=sources, meta=page_meta, captured=captured)
    article = parsed.article
    # Headlines are classified when first stored: a news line repeats the same ones on every page.
    return Extracted((classify_article(article, taxonomy, sources.country(article.source)),) if article else (), parsed.newsline,
                     warnings=parsed.warnings)


def parse_file(path: Path, data: bytes, *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
               captured: datetime, page_meta: PageMeta | None) -> dict[str, Any]:
    """What ingest would extract from one page text, as the JSON shape of ``flask parse --json``."""
    if path.suffix != ".txt":
        raise IngestError("parse reads page texts (*.txt); JSON Lines are already structured", path=str(path))
    try:
        text = decode.decode(data, max_bytes=max_bytes)
        parsed = pages.parse_page(text, sources=sources, meta=page_meta, captured=captured)
    except IngestError as exc:
        raise exc.at(str(path)) from None
    article = classify_article(parsed.article, taxonomy, sources.country(parsed.article.source)) if parsed.article else None
    parsed = replace(parsed, article=article, newsline=tuple(classify_headline(h, taxonomy, sources.country(h.source))
                                                             for h in parsed.newsline))
    return parsed.to_json()


def explain_file(path: Path, data: bytes, *, sources: Sources, max_bytes: int, captured: datetime,
                 page_meta: PageMeta | None) -> list[str]:
    """Every line of one page text with the role the parser gave it and why, then what came out."""
    if path.suffix != ".txt":
        raise IngestError("parse reads page texts (*.txt); JSON Lines are already structured", path=str(path))
    try:
        text = decode.decode(data, max_bytes=max_bytes)
    except IngestError as exc:
        raise exc.at(str(path)) from None
    explained = pages.explain_page(text, sources=sources, meta=page_meta, captured=captured)
    out = [f"{i + 1:4d} {role:<11} {' '.join(line.split())[:90]}  [{reason}]"
           for i, role, reason, line in explained.lines]
    if explained.page is None:
        out.append(f"refused: {explained.refusal}")
    else:
        a = explained.page.article
        out.append(f"article: {a.title if a.title_printed else None!r}" if a else "article: none")
        out.append(f"news line: {len(explained.page.newsline)} headlines")
    return out
