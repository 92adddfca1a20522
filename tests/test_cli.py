"""The command line: ingest, parse, reclassify."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import select

from feedsvc import create_app
from feedsvc.store import db
from feedsvc.store.schema import item_topics, items
from tests.conftest import SEEDS, ingest_run


def test_ingest_prints_summary_and_exit_status(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ingest"])
    assert result.exit_code == 0, result.output
    assert "files: 2 read, 0 unchanged, 0 failed" in result.output
    assert "articles: 2 new, 0 updated, 0 unchanged" in result.output
    assert "headlines: 40 new, 0 already known" in result.output
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.jsonl").write_text('{"title": 1}\n', encoding="utf-8")
    result = runner.invoke(args=["ingest", str(bad)])
    assert result.exit_code == 1
    assert f"failed: {bad / 'x.jsonl'}:1: field 'title' must be a string" in result.output


def test_parse_refuses_bad_input_with_one_line(sqlite_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "blank.txt"
    page.write_bytes(b"\x00\x00\x00binary")
    result = sqlite_app.test_cli_runner().invoke(args=["parse", str(page), "--json"])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {page}: file is binary, not text"


def test_parse_human_output(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_app.test_cli_runner().invoke(args=["parse", str(SEEDS / "004_c0772d994af304bb.txt")])
    assert result.exit_code == 0
    assert "news line: 40 headlines" in result.output


def test_reclassify_after_editing_topics(tmp_path: Path) -> None:
    topics = tmp_path / "topics.toml"
    shutil.copy(Path(__file__).resolve().parent.parent / "feedsvc" / "data" / "topics.toml", topics)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "CORPUS_DIR": str(SEEDS),
                      "TOPICS_FILE": str(topics)})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    with topics.open("a", encoding="utf-8") as fh:
        fh.write('\n[[topic]]\nslug = "gaza"\ntitle = "Gaza"\nkeywords = ["Gaza"]\n')
    result = runner.invoke(args=["reclassify"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.get_engine().connect() as conn:
        tagged = set(conn.scalars(select(items.c.title).join(item_topics, item_topics.c.item_id == items.c.id)
                                  .where(item_topics.c.topic == "gaza")))
    assert "Trump says there could be Gaza deal next week" in tagged
    assert "Building collapse in Pakistan kills 15" not in tagged
    assert len(tagged) == 5
    assert result.output == "reclassified: 5 items changed topics\n"
    again = runner.invoke(args=["reclassify"])
    assert "0 items changed" in again.output


def test_bad_topics_file_names_the_field(tmp_path: Path) -> None:
    topics = tmp_path / "topics.toml"
    topics.write_text('[[topic]]\nslug = "Bad Slug"\ntitle = "x"\n', encoding="utf-8")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "TOPICS_FILE": str(topics)})
    result = app.test_cli_runner().invoke(args=["reclassify"])
    assert result.exit_code == 1
    assert "topics.toml: topic 'Bad Slug': slug must be" in result.output
    topics.write_text('[[topic]]\nslug = "x"\ntitle = "x"\nkeywords = "war"\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["reclassify"])
    assert "topic 'x'.keywords: must be a list of strings" in result.output


def test_reclassify_restores_coverage_terms(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    from feedsvc.store.schema import item_terms

    runner = sqlite_app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().begin() as conn:
        before = sorted(conn.execute(select(item_terms.c.item_id, item_terms.c.term)).all())
        conn.execute(item_terms.delete())
    assert before and runner.invoke(args=["reclassify"]).exit_code == 0
    with sqlite_app.app_context(), db.get_engine().connect() as conn:
        assert sorted(conn.execute(select(item_terms.c.item_id, item_terms.c.term)).all()) == before


def test_ingest_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    engine, env, cmd = ingest_run(f"sqlite:///{tmp_path / 'store.sqlite3'}", tmp_path, pages=300)
    engine.dispose()
    main, terminal = pty.openpty()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: every writer has exited
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    text = output.decode()
    frames = [frame for frame in text.split("\r") if "ingesting" in frame]
    assert len(frames) > 2, text
    assert "0%" in frames[0] and "100%" in frames[-1], text
    assert text.index("100%") < text.index("files: 300 read, 0 unchanged, 0 failed")
