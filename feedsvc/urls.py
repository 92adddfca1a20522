"""Every address feedsvc serves, in one place: the rule each view is routed by, and the link to it.

Pages, feeds, e-mails and the CLI build their links with these functions, so a route changes here and
nowhere else. ``base`` is the site's external address (``FEEDSVC_BASE_URL``); without it a link is a path.
A rule and its link sit side by side: change both together.
"""

from __future__ import annotations

FORMATS = ("xml", "atom", "json")  # a feed's formats: RSS 2.0, Atom 1.0, JSON Feed 1.1
_FMT = "<any(xml, atom, json):fmt>"

HOME = "/"
TOPIC = "/topics/<topic>"
ARTICLE = "/articles/<public_id>"
HEADLINE = "/headlines/<public_id>"
DIGESTS = "/digests/"
DIGEST = "/digests/<topic>/<day>"
FEED = f"/feeds/<topic>.{_FMT}"
ARCHIVE = f"/feeds/<topic>/archive/<int:page>.{_FMT}"
DIGEST_FEED = f"/feeds/digests/<topic>.{_FMT}"
OPML = "/feeds.opml"
SUBSCRIBE = "/subscribe"
CONFIRM = "/subscribe/confirm/<token>"
PREFERENCES = "/preferences/<token>"
UNSUBSCRIBE = "/unsubscribe/<token>"


def home(base: str = "", query: str = "") -> str:
    """The front page; ``query`` is a query string with its ``?``, or empty."""
    return f"{base}/{query}"


def topic(slug: str, base: str = "", query: str = "") -> str:
    return f"{base}/topics/{slug}{query}"


def item(kind: str, public_id: str, base: str = "") -> str:
    """An item's page; ``kind`` is the item's, ``article`` or ``headline``."""
    return f"{base}/{'articles' if kind == 'article' else 'headlines'}/{public_id}"


def digests(base: str = "") -> str:
    return f"{base}/digests/"


def digest(topic: str, day: str, base: str = "") -> str:
    return f"{base}/digests/{topic}/{day}"


def feed(topic: str, fmt: str, base: str = "", query: str = "") -> str:
    return f"{base}/feeds/{topic}.{fmt}{query}"


def archive(topic: str, page: int, fmt: str, base: str = "") -> str:
    return f"{base}/feeds/{topic}/archive/{page}.{fmt}"


def digest_feed(topic: str, fmt: str, base: str = "") -> str:
    return f"{base}/feeds/digests/{topic}.{fmt}"


def opml(base: str = "") -> str:
    return f"{base}/feeds.opml"


def confirm(token: str, base: str = "") -> str:
    return f"{base}/subscribe/confirm/{token}"


def preferences(token: str, base: str = "") -> str:
    return f"{base}/preferences/{token}"


def unsubscribe(token: str, base: str = "") -> str:
    return f"{base}/unsubscribe/{token}"
