"""Hostile content never breaks a feed: every document stays well-formed and scripts never get through."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from feedsvc.feeds import render
from feedsvc.feeds.content import article_html
from feedsvc.feeds.model import Entry, Feed

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["]]>", "<script>alert(1)</script>", "\x00\x01\x0b\x1f", "\ud800", "\udfff lone",
                     "مرحبا بالعالم \u202e", "&amp; &lt; &#0; &#xD800;", "<![CDATA[x]]>", "\ufffe\uffff",
                     "<img src=x onerror=alert(1)>", "javascript:alert(1)", "x" * 4000]),
)
WHEN = datetime(2025, 7, 5, 16, 20, tzinfo=UTC)


def _feed(title: str, body: list[str], lede: str, credit: str) -> Feed:
    entry = Entry(id="tag:feedsvc.invalid,2025-07-05:article/abc", title=title or "untitled",
                  link="https://example.org/articles/abc", published=WHEN, updated=WHEN, summary=lede or None,
                  content_html=article_html(lede, body, [{"text": title, "credit": credit}], "SOCHI (TASS) —"),
                  authors=(credit or "TASS",), categories=(("politics", title or "Politics"),))
    return Feed(id="tag:feedsvc.invalid,2024:feeds/politics", title=title or "t", subtitle=lede,
                self_url="https://example.org/feeds/politics.xml", home_url="https://example.org/topics/politics",
                updated=WHEN, ttl_minutes=10, entries=(entry,))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NASTY, st.lists(NASTY, max_size=4), NASTY, NASTY)
def test_hostile_content_stays_well_formed(title: str, body: list[str], lede: str, credit: str) -> None:
    feed = _feed(title, body, lede, credit)
    for data in (render.rss(feed), render.atom(feed)):
        etree.fromstring(data)  # well-formed XML, or this raises
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        entry = parsed.entries[0]
        if "content" in entry:
            _assert_harmless(entry.content[0].value)
    item = json.loads(render.json_feed(feed))["items"][0]
    _assert_harmless(item.get("content_html", ""))


def _assert_harmless(fragment: str) -> None:
    """No element can run code: no scripts, no event-handler attributes, no javascript: links."""
    tree = html.fragment_fromstring(fragment, create_parent="div") if fragment.strip() else None
    if tree is None:
        return
    for el in tree.iter():
        assert el.tag not in {"script", "style", "iframe", "object", "img"}, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert not value.strip().lower().startswith("javascript:"), value


def test_long_titles_and_right_to_left_text_survive_intact() -> None:
    title = "مرحبا بالعالم " + "x" * 4000
    data = render.atom(_feed(title, ["Body."], "Lede.", "Name/TASS"))
    assert feedparser.parse(data).entries[0].title == title
