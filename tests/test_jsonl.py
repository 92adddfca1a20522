"""JSON Lines from scrapers."""

from __future__ import annotations

import json

import pytest

from feedsvc.errors import IngestError
from feedsvc.ingest import jsonl
from feedsvc.ingest.records import Article, Headline


def lines(*objs: object) -> str:
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs)


def test_articles_and_headlines(sources) -> None:  # type: ignore[no-untyped-def]
    text = lines(
        {"title": "Budget passed", "published": "2024-03-03T14:05:00+03:00", "body": "Para one.\n\nPara two.",
         "summary": "The budget passed.", "url": "https://example.org/a/1", "source": "anadolu",
         "topics": ["politics"]},
        {"title": "Storm hits coast", "published": "03.03.2024 14:05", "source": "tass"},
    )
    records = [r for _, r in jsonl.read(text, sources)]
    a, h = records
    assert isinstance(a, Article) and isinstance(h, Headline)
    assert a.body == ("Para one.", "Para two.") and a.lede == "The budget passed." and a.given_topics == ("politics",)
    assert a.published is not None and a.published.value.isoformat() == "2024-03-03T14:05:00+03:00"
    assert h.published is not None and h.published.value.isoformat() == "2024-03-03T14:05:00+03:00"


@pytest.mark.parametrize(("raw", "reason"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"published": "2024-03-03"}', "field 'title' is missing"),
    ('{"title": 5}', "field 'title' must be a string"),
    ('{"title": "x", "published": "someday"}', "field 'published'"),
    ('{"title": "x", "topics": "politics"}', "field 'topics'"),
    ('{"title": "x", "url": "javascript:alert(1)"}', "field 'url'"),
    ('{"title": "x", "colour": "red"}', "unknown field"),
])
def test_bad_lines_name_line_and_field(raw: str, reason: str, sources) -> None:  # type: ignore[no-untyped-def]
    text = lines({"title": "Good one", "source": "tass"}, raw, {"title": "Good two"})
    out = list(jsonl.read(text, sources))
    assert [n for n, _ in out] == [1, 2, 3]
    err = out[1][1]
    assert isinstance(err, IngestError) and err.line == 2 and reason in err.reason
    assert isinstance(out[0][1], Headline) and isinstance(out[2][1], Headline)


def test_escaped_control_characters_are_removed(sources) -> None:  # type: ignore[no-untyped-def]
    text = lines({"title": "Nul\u0000 and bell\u0007 title", "body": ["Para\u0000 one."]})
    (_, record), = list(jsonl.read(text, sources))
    assert isinstance(record, Article)
    assert record.title == "Nul and bell title" and record.body == ("Para one.",)
