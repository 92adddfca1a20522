"""Pages for people."""

from __future__ import annotations


def test_home_lists_ingested_items(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    assert sqlite_app.test_cli_runner().invoke(args=["ingest"]).exit_code == 0
    response = sqlite_app.test_client().get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    page = response.get_data(as_text=True)
    assert "2 articles and 40 headlines from 2 files" in page
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
    response = app.test_client().get("/")
    assert response.status_code == 500
    assert "upgrade-db" not in response.get_data(as_text=True)
