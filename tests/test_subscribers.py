"""Subscribers from the command line, and one-click unsubscribe."""

from __future__ import annotations

from feedsvc.store import db
from feedsvc.store import subscribers as store
from feedsvc.subscribers import tokens


def test_add_list_export_remove(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    run = sqlite_app.test_cli_runner().invoke
    added = run(args=["subscribers", "add", "Reader@Example.COM", "--topic", "politics", "--topic", "sports",
                      "--hour", "7", "--zone", "Asia/Baku"])
    assert added.exit_code == 0, added.output
    assert added.output == "subscribed reader@example.com: politics, sports at 07:00 Asia/Baku\n"
    assert run(args=["subscribers", "list"]).output == "reader@example.com\tactive\tpolitics,sports\t07:00\tAsia/Baku\n"
    assert run(args=["subscribers", "export"]).output == (
        "email,status,topics,hour,zone\nreader@example.com,active,politics sports,7,Asia/Baku\n")
    assert run(args=["subscribers", "remove", "reader@example.com"]).output == "unsubscribed reader@example.com\n"
    assert run(args=["subscribers", "list", "--status", "active"]).output == ""


def test_bad_input_names_the_field(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    run = sqlite_app.test_cli_runner().invoke
    bad = run(args=["subscribers", "add", "not-an-address"])
    assert bad.exit_code != 0 and "EMAIL" in bad.output
    bad = run(args=["subscribers", "add", "a@example.com", "--topic", "astrology"])
    assert "unknown topic(s) astrology" in bad.output
    bad = run(args=["subscribers", "add", "a@example.com", "--zone", "Mars/Olympus"])
    assert "unknown time zone 'Mars/Olympus'" in bad.output
    bad = run(args=["subscribers", "add", "a@example.com", "--hour", "24"])
    assert bad.exit_code != 0 and "--hour" in bad.output
    assert run(args=["subscribers", "remove", "nobody@example.com"]).exit_code != 0


def test_one_click_unsubscribe(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_app.test_cli_runner().invoke(args=["subscribers", "add", "reader@example.com"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        subscriber = store.by_email(conn, "reader@example.com")
    assert subscriber is not None
    token = tokens.make(sqlite_app.config["SECRET_KEY"], tokens.UNSUBSCRIBE, subscriber.id)
    client = sqlite_app.test_client()

    def status() -> str:
        with sqlite_app.app_context(), db.get_engine().connect() as conn:
            found = store.by_id(conn, subscriber.id)
            assert found is not None
            return found.status

    page = client.get(f"/unsubscribe/{token}")  # a link scanner, or a person about to click
    assert page.status_code == 200 and "<button type=\"submit\">Unsubscribe</button>" in page.get_data(as_text=True)
    assert status() == "active"
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})  # RFC 8058
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert status() == "unsubscribed"
    assert client.post(f"/unsubscribe/{token}").status_code == 200  # again: still fine
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(f"/unsubscribe/{forged}").status_code == 404
