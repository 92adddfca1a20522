"""What a person sees: pages served by the Procfile's web server, loaded in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feedsvc import create_app
from tests.conftest import SEEDS
from tests.e2e import ARTIFACTS, browse, web_server

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
SITE_URL: dict[str, str] = {}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("site")
    url = f"sqlite:///{folder / 'site.sqlite3'}"
    SITE_URL["url"] = url
    app = create_app({"DATABASE_URL": url, "CORPUS_DIR": str(SEEDS)})
    assert app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    for topic in ("politics", "all"):
        assert app.test_cli_runner().invoke(args=["digest", "build", "--topic", topic,
                                                  "--date", "2025-07-05"]).exit_code == 0
    app.extensions["feedsvc.engine"].dispose()
    with web_server({"FEEDSVC_DATABASE_URL": url}) as base:
        yield base


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("name", "path", "expect"), [
    ("home", "/", "Top stories"),
    ("topic", "/topics/politics", "Follow Politics in your feed reader"),
    ("digest-all", "/digests/all/2025-07-05", "News digest, 5 July 2025"),
    ("feed-preview", "/feeds/politics.xml", "paste its address into a feed reader"),
    ("digest", "/digests/politics/2025-07-05", "Politics digest, 5 July 2025"),
    ("subscribe", "/subscribe", "Get the daily digest by e-mail"),
])
def test_pages_render_in_a_real_browser(site: str, size: str, name: str, path: str, expect: str,
                                        tmp_path: Path) -> None:
    width, height = SIZES[size]
    shot = ARTIFACTS / f"{name}-{size}.png"
    dom, log = browse(site + path, width=width, height=height, screenshot=shot, tmp=tmp_path)
    assert expect in dom
    assert "Content Security Policy" not in log, log  # the strict policy blocked nothing of ours
    assert re.search(r'<main id="main" role="main">', dom) and 'role="banner"' in dom and 'lang="en"' in dom
    assert shot.exists() and shot.stat().st_size > 5000
    if "data-copy" in dom:
        assert 'hidden=""' not in dom.split("data-copy")[1][:40]  # the copy button was revealed: scripts ran
    # times were rewritten into the reader's zone by the page's script
    assert "UTC</time>" not in dom


@pytest.mark.parametrize("size", list(SIZES))
def test_article_page(site: str, size: str, tmp_path: Path) -> None:
    dom, _ = browse(site + "/topics/politics", width=1280, height=900, screenshot=None, tmp=tmp_path)
    link = re.search(r'href="(/articles/[0-9a-f]+)">All contacts with US leader', dom)
    assert link, "the TASS article is listed under politics"
    width, height = SIZES[size]
    page, log = browse(site + link.group(1), width=width, height=height * 3,  # down to the related coverage
                       screenshot=ARTIFACTS / f"article-{size}.png", tmp=tmp_path)
    assert "SOCHI (TASS) —" in page and "© Alexander Shcherbak/TASS" in page
    assert "17 May 2017" in page  # a date printed without a time stays the source's day in any zone
    assert 'id="related"' in page and 'id="feeds"' in page
    assert "Content Security Policy" not in log


@pytest.mark.parametrize("size", list(SIZES))
def test_headline_page(site: str, size: str, tmp_path: Path) -> None:
    dom, _ = browse(site + "/", width=1280, height=900, screenshot=None, tmp=tmp_path)
    link = re.search(r'href="(/headlines/[0-9a-f]+)">Trump says there could be Gaza deal next week', dom)
    assert link, "the Gaza story is a top story"
    width, height = SIZES[size]
    page, log = browse(site + link.group(1), width=width, height=height * 2,  # down to the feeds
                       screenshot=ARTIFACTS / f"headline-{size}.png", tmp=tmp_path)
    for part in ('id="story"', 'id="newsline"', 'id="feeds"', 'href="https://ednews.net"'):
        assert part in page, part
    assert "Content Security Policy" not in log and "UTC</time>" not in page


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("topic", ["politics", "all"])
def test_digest_email_in_a_real_browser(site: str, topic: str, size: str, tmp_path: Path) -> None:
    """A digest email of 5 July 2025, as a mail client's HTML view would lay it out."""
    preview = tmp_path / "digest-email.html"
    app = create_app({"DATABASE_URL": SITE_URL["url"]})
    result = app.test_cli_runner().invoke(args=["digest", "preview", "--topic", topic, "--date",
                                                "2025-07-05", "--output", str(preview)])
    assert result.exit_code == 0, result.output
    app.extensions["feedsvc.engine"].dispose()
    width, height = SIZES[size]
    shot = ARTIFACTS / f"digest-email{'' if topic == 'politics' else '-' + topic}-{size}.png"
    dom, _ = browse(preview.as_uri(), width=width, height=height, screenshot=shot, tmp=tmp_path)
    assert "Trump says there could be Gaza deal next week" in dom and "also: Trump says Gaza ceasefire" in dom
    assert "Eurasia Diary, " in dom and "2 reports from 1 source" in dom
    assert shot.exists() and shot.stat().st_size > 5000
