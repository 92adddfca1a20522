"""Ingesting into the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from feedsvc.ingest import run as corpus
from feedsvc.store import db
from feedsvc.store.schema import failures, files, item_topics, items
from tests.conftest import SEEDS

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)


def run(engine, paths, sources, taxonomy, now=NOW):  # type: ignore[no-untyped-def]
    return corpus.ingest(engine, paths, sources=sources, taxonomy=taxonomy, max_bytes=1_000_000,
                         authority="example.org", now=now)


def copy_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def uids(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {r.title: r.uid for r in conn.execute(select(items.c.title, items.c.uid))}


def test_seeds_ingest_and_reingest(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_seeds(tmp_path)
    first = run(engine, [folder], sources, taxonomy)
    assert (first.files_read, first.counts.articles_new, first.counts.headlines_new) == (2, 2, 40)
    assert first.failures == []
    with engine.connect() as conn:
        art = conn.execute(select(items).where(items.c.kind == "article", items.c.source == "tass")).one()
        assert art.published == datetime(2017, 5, 17, 9, 0, tzinfo=UTC)  # the day alone: noon in Moscow
        assert art.published.tzinfo is not None
        assert art.uid.startswith("tag:example.org,2017-05-17:article/")
        assert json.loads(art.captions)[0]["credit"] == "Alexander Shcherbak/TASS"
        topics = set(conn.scalars(select(item_topics.c.topic).where(item_topics.c.item_id == art.id)))
        assert "politics" in topics
    before = uids(engine)
    second = run(engine, [folder], sources, taxonomy)
    assert (second.files_read, second.files_unchanged) == (0, 2)
    assert uids(engine) == before


def test_touched_but_unchanged_file_changes_nothing(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_seeds(tmp_path)
    run(engine, [folder], sources, taxonomy)
    page = folder / "004_c0772d994af304bb.txt"
    os.utime(page, (1_800_000_000, 1_800_000_000))
    again = run(engine, [folder], sources, taxonomy)
    assert again.files_unchanged == 2 and again.files_read == 0


def test_changed_file_updates_article_and_keeps_id(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_seeds(tmp_path)
    run(engine, [folder], sources, taxonomy)
    before = uids(engine)
    page = folder / "004_c0772d994af304bb.txt"
    text = page.read_text(encoding="utf-8")
    edited = text.replace("No doubt, Trump realizes benefits", "No doubt: Trump realises the benefits")
    edited = edited.replace("closed for the media.", "closed for the media.\n\nA new closing paragraph.")
    page.write_text(edited, encoding="utf-8")
    later = datetime(2025, 7, 7, tzinfo=UTC)
    again = run(engine, [folder], sources, taxonomy, now=later)
    assert again.counts.articles_updated == 1 and again.counts.articles_new == 0
    assert again.counts.headlines_new == 0 and again.counts.headlines_known == 40
    after = uids(engine)
    old_title = "No doubt, Trump realizes benefits of good relations with Russia Lavrov says"
    new_title = "No doubt: Trump realises the benefits of good relations with Russia Lavrov says"
    assert after[new_title] == before[old_title]
    with engine.connect() as conn:
        row = conn.execute(select(items).where(items.c.title == new_title)).one()
        assert json.loads(row.body)[-1] == "A new closing paragraph."
        assert row.updated_at == later and row.created_at == NOW


def test_moved_file_keeps_id(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_seeds(tmp_path)
    run(engine, [folder], sources, taxonomy)
    before = uids(engine)
    (folder / "archive").mkdir()
    for name in ("004_c0772d994af304bb.txt", "004_c0772d994af304bb.meta.toml"):
        (folder / name).rename(folder / "archive" / name)
    again = run(engine, [folder], sources, taxonomy)
    assert again.counts.articles_new == 0 and again.counts.articles_unchanged == 1
    assert uids(engine) == before


def test_same_news_line_on_many_pages_is_stored_once(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "site"
    folder.mkdir()
    text = (SEEDS / "004_c0772d994af304bb.txt").read_text(encoding="utf-8")
    for n in range(5):
        page = text.replace("No doubt, Trump realizes", f"Story {n}: Trump realizes")
        (folder / f"p{n}.txt").write_text(page, encoding="utf-8")
        (folder / f"p{n}.meta.toml").write_text('source = "eurasia-diary"\n', encoding="utf-8")
    summary = run(engine, [folder], sources, taxonomy)
    assert summary.counts.articles_new == 5
    assert summary.counts.headlines_new == 40 and summary.counts.headlines_known == 160
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(items.c.kind == "headline")).scalar_one() == 40


def test_bad_files_are_recorded_and_others_ingested(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_seeds(tmp_path)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 200)
    (folder / "nothing.txt").write_text("All news\nHamısı\n", encoding="utf-8")
    (folder / "big.txt").write_bytes(b"Headline\n\n" + b"word " * 300_000)
    (folder / "records.jsonl").write_text(
        '{"title": "Good record", "source": "tass", "published": "2025-07-05T10:00:00+03:00"}\n'
        '{"title": broken\n'
        '{"title": "Another good record", "published": "2025-07-05T11:00:00+03:00"}\n', encoding="utf-8")
    summary = run(engine, [folder, tmp_path / "missing"], sources, taxonomy)
    reasons = {(Path(f.path or "").name, f.line): f.reason for f in summary.failures}
    assert "empty" in reasons[("empty.txt", None)]
    assert "binary" in reasons[("binary.txt", None)]
    assert "no recognisable" in reasons[("nothing.txt", None)]
    assert "over the cap" in reasons[("big.txt", None)]
    assert "not valid JSON" in reasons[("records.jsonl", 2)]
    assert "no such file" in reasons[("missing", None)]
    assert summary.counts.articles_new == 2 and summary.counts.headlines_new == 42
    with engine.connect() as conn:
        stored = {(Path(r.path).name, r.line) for r in conn.execute(select(failures))}
        assert ("records.jsonl", 2) in stored and ("empty.txt", None) in stored
    (folder / "empty.txt").write_text("Fixed headline\n\nNow the page has a body paragraph.\n", encoding="utf-8")
    again = run(engine, [folder], sources, taxonomy)
    assert "empty.txt" not in {Path(f.path or "").name for f in again.failures}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(failures)
                            .where(failures.c.path.like("%empty.txt"))).scalar_one() == 0


def test_upgrade_keeps_data(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine, "0001")
    assert db.current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO files (id, path, size, mtime_ns, sha256, status, ingested_at) "
            "VALUES (1, 'old.txt', 3, 4, 'abc', 'ok', '2024-01-01 00:00:00+00:00')")
        conn.exec_driver_sql(
            "INSERT INTO items (id, uid, kind, title, dedupe_key, published_inferred, content_hash, file_id, "
            "created_at, updated_at) VALUES (1, 'tag:x,2024:article/1', 'article', 'Old title', 'k1', false, "
            "'h', 1, '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')")
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    with engine.connect() as conn:
        row = conn.execute(select(items.c.uid, items.c.title, items.c.byline)).one()
        assert tuple(row) == ("tag:x,2024:article/1", "Old title", None)
        assert conn.execute(select(files.c.path)).scalar_one() == "old.txt"
    engine.dispose()


def test_a_run_remembers_the_headlines_it_stored(engine) -> None:  # type: ignore[no-untyped-def]
    """The next page's copy of a news line is neither classified, nor handed over, nor inserted again."""
    from feedsvc.ingest.records import Headline, Stamp
    from feedsvc.store import writer

    now = datetime(2025, 7, 5, 18, 0, tzinfo=UTC)
    line = [Headline(f"Headline number {n}", Stamp(datetime(2025, 7, 5, 9, n, tzinfo=UTC), "minute"), "apa")
            for n in range(5)]
    classified: list[str] = []

    def classify(h: Headline) -> Headline:
        classified.append(h.title)
        return h

    made: set[str] = set()
    seen: set[str] = set()
    counts = writer.Counts()
    pages = [writer.headline_rows(line, made, classify=classify) for _page in range(2)]
    assert all(isinstance(r, writer.HeadlineRow) for r in pages[0])
    assert pages[1] == [r.key for r in pages[0]]  # type: ignore[union-attr]
    for rows in pages:
        with engine.begin() as conn:
            assert writer.save_headlines(conn, rows, authority="test.invalid", now=now, counts=counts,
                                         topic_rows=[], seen=seen) == []
    assert len(classified) == 5
    assert (counts.headlines_new, counts.headlines_known) == (5, 5)
    assert seen == made  # updated in place: rebinding the caller's set would fail this
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar_one() == 5


def test_a_headline_whose_first_page_failed_is_loaded_again(engine, sources, taxonomy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page may carry a headline as a bare key because an earlier page carried its row; when that page
    did not get stored, the writer loads the page again and stores the headline all the same."""
    page = tmp_path / "page.txt"
    page.write_text("News line\nFloods close the coast road\n20:20 05.07.2025\nMarkets open higher\n"
                    "20:10 05.07.2025\n", encoding="utf-8")
    job = corpus.Job(sources, taxonomy, 1_000_000, "example.org", NOW)
    first = corpus.load(page, None, job, made := set())
    assert {type(r).__name__ for r in first.headlines} == {"HeadlineRow"}
    again = corpus.load(page, None, job, made)  # as the next page with the same news line would be
    assert all(isinstance(r, str) for r in again.headlines)
    with engine.connect().execution_options(feedsvc_writer=True) as conn:  # first was never stored
        summary = corpus.store(conn, again, job, seen=set())
    assert (summary.counts.headlines_new, summary.failures) == (2, [])
    with engine.connect() as conn:
        titles = set(conn.scalars(select(items.c.title).where(items.c.kind == "headline")))
        topics = conn.execute(select(func.count()).select_from(item_topics)).scalar_one()
    assert titles == {"Floods close the coast road", "Markets open higher"} and topics >= 1
