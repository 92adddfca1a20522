"""Running feedsvc as a service: one configuration for every process, and the generated signing key."""

from __future__ import annotations

import re
import subprocess
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsvc import context, create_app
from feedsvc.cli.digest import digest_group
from feedsvc.store import db
from feedsvc.store import subscribers as store
from feedsvc.subscribers import tokens
from tests.conftest import SEEDS
from tests.e2e import free_port, procfile_command, procfile_env, web_server

PUBLISHED_KEY = "dev-only-change-me"
SERVER_LINE = re.compile(r"\[(INFO|WARNING|ERROR)\] ")  # the web server's own log lines


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _flask(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["flask", "--app", "feedsvc", *args], cwd=cwd, env=procfile_env(env or {}),
                          capture_output=True, text=True, timeout=120, check=False)


def test_procfile_web_reads_dotenv_like_the_cli(tmp_path: Path) -> None:
    """A base URL set only in .env reaches the pages and feeds the Procfile's web server renders."""
    (tmp_path / ".env").write_text(f"FEEDSVC_BASE_URL=https://news.example.org\n"
                                   f"FEEDSVC_DATABASE_URL=sqlite:///{tmp_path / 'store.sqlite3'}\n"
                                   f"FEEDSVC_CORPUS_DIR={SEEDS}\n", encoding="utf-8")
    ingested = _flask(tmp_path, "ingest")
    assert ingested.returncode == 0, ingested.stderr
    with web_server({}, cwd=tmp_path) as base:
        status, feed = _get(base + "/feeds/all.xml")
        assert status == 200
        assert 'href="https://news.example.org/feeds/all.xml"' in feed  # the self link
        assert "127.0.0.1:5000" not in feed
        _, home = _get(base + "/")
        assert 'href="https://news.example.org/feeds/politics.atom"' in home


def test_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("FEEDSVC_BASE_URL=https://from-file.example.org\n"
                                   "FEEDSVC_DIGEST_TIMEZONE=Asia/Baku\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDSVC_BASE_URL", "https://from-environment.example.org")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"})
    assert app.config["FEEDSVC"]["BASE_URL"] == "https://from-environment.example.org"
    assert app.config["FEEDSVC"]["DIGEST_TIMEZONE"] == "Asia/Baku"


@pytest.mark.parametrize("kind", ["web", "clock"])
def test_bad_setting_prints_the_list_alone_and_exits_1(tmp_path: Path, kind: str) -> None:
    """The Procfile's lines, with two bad values in .env: exit status 1, no traceback, just the list (and,
    from the web server, its own start and stop lines; each of its workers says what is wrong)."""
    (tmp_path / ".env").write_text("FEEDSVC_BASE_URL=news.example.org\nFEEDSVC_SMTP_BATCH=lots\n", encoding="utf-8")
    done = subprocess.run(["bash", "-c", "exec " + procfile_command(kind)], cwd=tmp_path,
                          env=procfile_env({"PORT": str(free_port()), "WEB_CONCURRENCY": "1"}), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1
    expected = [
        "feedsvc: invalid configuration:",
        "  FEEDSVC_BASE_URL='news.example.org': must start with http:// or https://",
        "  FEEDSVC_SMTP_BATCH='lots': must be a positive whole number",
    ]
    ours = [line for line in done.stderr.splitlines() if not (kind == "web" and SERVER_LINE.match(line))]
    assert ours == expected, done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_ingest_of_a_glob_skips_side_files(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    """`ingest seeds/*` names the .meta.toml files too: each is read with its page, never as a page."""
    result = sqlite_app.test_cli_runner().invoke(args=["ingest", *map(str, sorted(SEEDS.iterdir()))])
    assert result.exit_code == 0, result.output
    assert "files: 2 read" in result.output and "articles: 2 new" in result.output
    page = sqlite_app.test_client().get("/").get_data(as_text=True)
    assert "(2 articles," in page


def test_all_digests_and_the_old_spelling(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest", str(SEEDS)]).exit_code == 0
    new = runner.invoke(args=["digest", "build", "--all-digests", "--date", "2025-07-05", "--dry-run"])
    assert new.exit_code == 0 and "digest all 2025-07-05" in new.output and "digest politics" in new.output
    old = runner.invoke(args=["digest", "build", "--every-topic", "--date", "2025-07-05", "--dry-run"])
    assert old.exit_code == 0 and old.stdout == new.output
    assert "--every-topic is now called --all-digests" in old.stderr
    help_text = CliRunner().invoke(digest_group, ["build", "--help"]).output
    assert "--all-digests" in help_text and "--every-topic" not in help_text


def _apps(tmp_path: Path, **config: str):  # type: ignore[no-untyped-def]
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'k.sqlite3'}", "TESTING": True, **config})
    with app.app_context():
        db.upgrade(db.get_engine())
    return app


def test_generated_key_is_shared_and_kept(tmp_path: Path) -> None:
    first, second = _apps(tmp_path), _apps(tmp_path)  # two processes on one store, or one restarted
    with first.app_context():
        key = context.secret_key()
    with second.app_context():
        assert context.secret_key() == key
    assert len(key) >= 32 and key != PUBLISHED_KEY
    chosen = _apps(tmp_path, SECRET_KEY="an operator's own key, long enough")
    with chosen.app_context():
        assert context.secret_key() == "an operator's own key, long enough"


def test_a_link_signed_with_the_published_key_is_refused(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    """A default install (no FEEDSVC_SECRET_KEY) must not honour links anyone could sign."""
    assert sqlite_app.test_cli_runner().invoke(args=["subscribers", "add", "reader@example.com"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        reader = store.by_email(conn, "reader@example.com")
    assert reader is not None
    client = sqlite_app.test_client()
    for purpose, address in ((tokens.UNSUBSCRIBE, "/unsubscribe/"), (tokens.PREFERENCES, "/preferences/")):
        forged = tokens.make(PUBLISHED_KEY, purpose, reader.id)
        assert client.get(address + forged).status_code == 404
    assert client.post("/unsubscribe/" + tokens.make(PUBLISHED_KEY, tokens.UNSUBSCRIBE, reader.id)).status_code == 404
    confirm = tokens.make_expiring(PUBLISHED_KEY, tokens.CONFIRM,
                                   {"e": "never-mailed@example.com", "t": ["all"], "h": 7, "z": "UTC"})
    assert client.post("/subscribe/confirm/" + confirm).status_code in (400, 404)
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        assert store.by_email(conn, "never-mailed@example.com") is None
        found = store.by_id(conn, reader.id)
    assert found is not None and found.status == "active"


def test_links_mailed_by_the_cli_open_on_the_web_across_restarts(tmp_path: Path) -> None:
    """The CLI, the web server and a restarted web server all sign with the one generated key."""
    outbox = tmp_path / "outbox"
    (tmp_path / ".env").write_text(f"FEEDSVC_DATABASE_URL=sqlite:///{tmp_path / 'store.sqlite3'}\n"
                                   f"FEEDSVC_OUTBOX_DIR={outbox}\n", encoding="utf-8")
    for args in (("ingest", str(SEEDS)), ("subscribers", "add", "reader@example.com", "--topic", "politics"),
                 ("digest", "build", "--topic", "politics", "--date", "2025-07-05"),
                 ("digest", "send", "--topic", "politics", "--date", "2025-07-05")):
        done = _flask(tmp_path, *args)
        assert done.returncode == 0, done.stdout + done.stderr
    [mail] = outbox.glob("*.eml")
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    link = re.search(r"<(http[^>]+/unsubscribe/[^>]+)>", str(message["List-Unsubscribe"]))
    assert link is not None
    path = link.group(1).split("/", 3)[3]
    for _restart in range(2):
        with web_server({}, cwd=tmp_path) as base:
            status, page = _get(f"{base}/{path}")
            assert status == 200 and "Unsubscribe" in page


def test_rotating_the_generated_key_invalidates_old_links(tmp_path: Path) -> None:
    app = _apps(tmp_path)
    with app.app_context():
        old = context.secret_key()
    assert app.test_cli_runner().invoke(args=["rotate-secret-key"]).exit_code == 0
    restarted = _apps(tmp_path)
    with restarted.app_context():
        new = context.secret_key()
    assert new != old
    link = tokens.make(old, tokens.UNSUBSCRIBE, 1)
    assert restarted.test_client().get("/unsubscribe/" + link).status_code == 404
    fixed = _apps(tmp_path, SECRET_KEY="an operator's own key, long enough")
    refused = fixed.test_cli_runner().invoke(args=["rotate-secret-key"])
    assert refused.exit_code == 1 and "FEEDSVC_SECRET_KEY is set" in refused.output
