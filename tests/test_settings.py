"""Settings: one table, validated at start, documented in README."""

from __future__ import annotations

import pytest

from feedsvc import create_app, settings
from feedsvc.errors import ConfigError
from tests.conftest import ROOT


def test_defaults_load() -> None:
    values = settings.load({})
    assert values["MAX_FILE_BYTES"] == 5_000_000
    assert values["DEFAULT_TIMEZONE"] == "UTC"


def test_every_bad_value_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        settings.load({"FEEDSVC_MAX_FILE_BYTES": "lots", "FEEDSVC_DEFAULT_TIMEZONE": "Mars/Olympus",
                       "FEEDSVC_BASE_URL": "example.org", "FEEDSVC_COLOUR": "red"})
    message = str(info.value)
    for name in ("FEEDSVC_MAX_FILE_BYTES", "FEEDSVC_DEFAULT_TIMEZONE", "Mars/Olympus", "FEEDSVC_BASE_URL",
                 "FEEDSVC_COLOUR"):
        assert name in message


def test_create_app_reads_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FEEDSVC_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("FEEDSVC_DEFAULT_TIMEZONE", "Asia/Baku")
    app = create_app()
    assert app.config["FEEDSVC"]["DEFAULT_TIMEZONE"] == "Asia/Baku"
    monkeypatch.setenv("FEEDSVC_DEFAULT_TIMEZONE", "Nowhere")
    with pytest.raises(ConfigError, match="FEEDSVC_DEFAULT_TIMEZONE"):
        create_app({"TESTING": True})


def test_entry_point_prints_the_list_alone_and_exits_1(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """What servers and the flask command call: no traceback, just what is wrong."""
    monkeypatch.setenv("FEEDSVC_DEFAULT_TIMEZONE", "Nowhere")
    monkeypatch.setenv("FEEDSVC_SMTP_BATCH", "-3")
    monkeypatch.setenv("FEEDSVC_SEND_RATE", "fast")
    with pytest.raises(SystemExit) as info:
        create_app()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "feedsvc: invalid configuration:",
        "  FEEDSVC_DEFAULT_TIMEZONE='Nowhere': unknown time zone 'Nowhere' (use an IANA name such as Europe/Moscow)",
        "  FEEDSVC_SEND_RATE='fast': must be a number, 0 or more",
        "  FEEDSVC_SMTP_BATCH='-3': must be a positive whole number",
    ]


def test_the_published_default_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="FEEDSVC_SECRET_KEY"):
        settings.load({"FEEDSVC_SECRET_KEY": "dev-only-change-me"})
    assert settings.load({})["SECRET_KEY"] == ""


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.readme_table() in readme, "regenerate with: python -m feedsvc.settings README.md"
