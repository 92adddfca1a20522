"""WebSub: tell the configured hub which feeds changed, so subscribers hear at once instead of polling."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

from .. import urls

TIMEOUT = 5.0


def feed_urls(base_url: str, topics: Iterable[str]) -> list[str]:
    """Every feed address a subscriber may have given the hub, for ``all`` and each topic."""
    return [urls.feed(slug, fmt, base_url) for slug in ("all", *topics) for fmt in urls.FORMATS]


def publish(hub: str, urls: Iterable[str]) -> list[str]:
    """POST ``hub.mode=publish`` for each URL; returns one problem line per URL the hub did not accept."""
    problems = []
    for url in urls:
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode("ascii")
        request = urllib.request.Request(hub, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                if response.status >= 300:
                    problems.append(f"{hub}: {url}: HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            problems.append(f"{hub}: {url}: HTTP {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            problems.append(f"{hub}: {url}: {getattr(exc, 'reason', exc)}")
    return problems
