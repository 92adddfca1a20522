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
    assert "All contacts with US leader important but some details not for comment — Kremlin" in page


def test_unknown_page_is_a_friendly_404(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    response = sqlite_app.test_client().get("/no/such/page")
    assert response.status_code == 404
    assert "Back to the front page" in response.get_data(as_text=True)
