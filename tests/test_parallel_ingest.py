"""Ingest with helper processes stores exactly what one process alone stores, in the same order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from feedsvc.ingest import run as corpus
from feedsvc.store import db
from feedsvc.store.schema import failures, files, item_topics, items
from feedsvc.topics import sources
from feedsvc.topics import taxonomy as topics

NOW = datetime(2025, 7, 6, 8, 0, tzinfo=UTC)
LINE = [("Floods close the coast road near the port", "20:20 05.07.2025"),
        ("Parliament passes the budget after a long debate", "19:55 05.07.2025"),
        ("OPEC+ speeds up oil output hikes in August", "19:30 05.07.2025"),
        ("Inter completes signing of a striker from Parma", "19:05 05.07.2025")]


PAGES = 260


def _line(n: int) -> list[tuple[str, str]]:
    # Each page shows the site's news line, shifted by one new headline every ten pages, as sites do.
    return [(f"Ministers meet for round {k} of the talks", f"{10 + k % 10}:{k % 60:02d} 04.07.2025")
            for k in range(n // 10, n // 10 + 3)] + LINE


def _page(n: int) -> str:
    line = _line(n)
    block = "\n".join(f"{title}\n{stamp}" for title, stamp in line)
    if n % 7 == 0:  # a page with the news line alone
        return f"All news\n\nNews line\n{block}\n"
    return (f"All news\n\nStory {n}: the government approves the regional energy plan\n\n"
            f"Politics 09:{n % 60:02d} 11.12.2019\n\n"
            f"BAKU, 11 December, AZERTAC. The cabinet approved plan number {n} on Wednesday, officials said.\n\n"
            f"The plan covers oil and gas fields in the region and a new pipeline, they added.\n\n"
            f"News line\n{block}\n")


def _corpus(folder: Path) -> None:
    for n in range(PAGES):
        part = folder / f"part{n % 3}"
        part.mkdir(parents=True, exist_ok=True)
        (part / f"page{n:04d}.txt").write_text(_page(n), encoding="utf-8")
    (folder / "part1" / "empty.txt").write_bytes(b"")
    (folder / "part2" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    records = [{"title": "Storm cuts power to thousands", "published": "2025-07-05T18:00:00+04:00",
                "summary": "Crews are at work.", "source": "eurasia-diary"}, "{not json"]
    (folder / "feed.jsonl").write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records),
                                       encoding="utf-8")


def _ingest(url: str, folder: Path, workers: int) -> tuple[list[str], dict[str, Any]]:
    engine = db.make_engine(url)
    db.upgrade(engine)
    summary = corpus.ingest(engine, [folder], sources=sources.load(None, "UTC"), taxonomy=topics.load(),
                            max_bytes=1_000_000, authority="example.org", now=NOW, workers=workers)
    stored = _contents(engine)
    engine.dispose()
    return summary.lines(), stored


def _contents(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        path_of = {r.id: r.path for r in conn.execute(select(files.c.id, files.c.path))}
        uid_of = {r.id: r.uid for r in conn.execute(select(items.c.id, items.c.uid))}
        return {
            "files": conn.execute(select(files.c.id, files.c.path, files.c.status, files.c.sha256)
                                  .order_by(files.c.id)).all(),
            "items": [(r.id, r.uid, r.kind, r.title, r.content_hash, r.published, path_of.get(r.file_id))
                      for r in conn.execute(select(items).order_by(items.c.id))],
            "topics": sorted((uid_of[r.item_id], r.topic) for r in conn.execute(select(item_topics))),
            "failures": sorted(conn.execute(select(failures.c.path, failures.c.line, failures.c.reason)).all()),
        }


def test_helpers_store_what_one_process_stores(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    _corpus(folder)
    assert len(list(folder.rglob("*.txt"))) >= corpus.PARALLEL_FROM
    alone = _ingest(f"sqlite:///{tmp_path / 'alone.sqlite3'}", folder, workers=1)
    helped = _ingest(f"sqlite:///{tmp_path / 'helped.sqlite3'}", folder, workers=3)
    lines, stored = helped
    assert any(line.startswith("files: ") and line.endswith(", 3 failed") for line in lines), lines
    assert {path.rsplit("/", 1)[-1] for path, _, _ in stored["failures"]} >= {"empty.txt", "binary.txt"}
    shown = {title for n in range(PAGES) for title, _ in _line(n)}
    headlines = [(i[3], i[5]) for i in stored["items"] if i[2] == "headline"]
    assert {title for title, _ in headlines} == shown | {"Storm cuts power to thousands"}  # and the JSON line
    assert len(set(headlines)) == len(headlines)  # each stored once per site, however many pages show it
    assert helped == alone  # the same rows with the same ids, in the files' order, and the same summary
