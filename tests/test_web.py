"""Pages for people."""

from __future__ import annotations


def test_home_lists_ingested_items(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    response = sqlite_app.test_client().get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    assert "42 items (2 articles, 40 headlines) from 2 sources" in page
    assert "Inter completes signing of Ange-Yoan Bonny from Parma" in page
    politics = sqlite_app.test_client().get("/topics/politics").get_data(as_text=True)
    assert "All contacts with US leader important but some details not for comment — Kremlin" in politics


def test_unknown_page_is_a_friendly_404(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    response = sqlite_app.test_client().get("/no/such/page")
    assert response.status_code == 404
    assert "Back to the front page" in response.get_data(as_text=True)


def test_an_empty_database_gets_its_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from feedsvc import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    assert app.test_client().get("/").status_code == 200
    assert app.test_client().get("/feeds/politics.xml").status_code == 200


def test_an_old_schema_is_a_clear_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from feedsvc import create_app
    from feedsvc.store import db

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        db.upgrade(db.get_engine(), "0003")
    response = app.test_client().get("/feeds/politics.xml")
    assert response.status_code == 503
    assert "Run: flask --app feedsvc upgrade-db" in response.get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["upgrade-db"]).exit_code == 0
    assert app.test_client().get("/feeds/politics.xml").status_code == 200


def test_a_failed_schema_creation_is_not_called_an_old_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from feedsvc import create_app

    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:  # not feedsvc's: no schema revision, and a table in the way
        conn.execute("CREATE TABLE files (x)")
    app = create_app({"DATABASE_URL": f"sqlite:///{path}"})
    page = app.test_client().get("/").get_data(as_text=True)
    assert "needs upgrading" not in page and "upgrade-db" not in page  # the store's own error, not "old schema"


GAZA_A = "Trump says there could be Gaza deal next week"
GAZA_B = "Trump says Gaza ceasefire deal may come next week after ‘positive’ Hamas response"
ERDOGAN = "Erdogan: US has crucial role in achieving ceasefire in Gaza"


def test_front_page_shows_each_story_once_top_stories_first(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    page = sqlite_app.test_client().get("/").get_data(as_text=True)
    # a story in Politics, World and Conflict is listed once, not once per topic
    assert page.count(f">{ERDOGAN}</a>") == 1
    # the two Gaza-deal headlines are one entry: the lead, and the other under "also:"
    top = page[page.index('id="top"'):page.index('id="t-politics"')]
    assert top.count("Trump says") >= 2 and "also:" in top
    entry = top[:top.index(GAZA_A)]
    entry = top[entry.rindex('<li><a'):]
    entry = entry[:entry.index("</ul>")]
    assert "also:" in entry and GAZA_B in entry and "2 reports" in entry
    # each entry carries its topics as links, its source and its time
    assert '<a class="topic" href="/topics/politics">Politics</a>' in entry
    assert "Eurasia Diary" in entry and "<time" in entry
    # topic sections below leave out what the top stories showed
    rest = page[page.index('id="t-politics"'):]
    assert GAZA_A not in rest and GAZA_B not in rest
    # the corpus, stated as it is
    assert "42 items (2 articles, 40 headlines) from 2 sources" in page
    assert 'newest <time datetime="2025-07-05T' in page
