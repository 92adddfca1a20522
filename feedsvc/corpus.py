"""The ingest job: walk corpus paths, skip what is unchanged, store each file in its own transaction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, select, update

from .errors import IngestError
from .ingest import files as ingest_files
from .ingest import meta
from .ingest.sources import Sources
from .ingest.topics import Taxonomy
from .store import writer
from .store.schema import files

KNOWN_CACHE = 200_000


@dataclass
class Summary:
    """What one ingest run did."""

    files_read: int = 0
    files_unchanged: int = 0
    counts: writer.Counts = field(default_factory=writer.Counts)
    failures: list[IngestError] = field(default_factory=list)

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            f"files: {self.files_read} read, {self.files_unchanged} unchanged, {len({f.path for f in self.failures})}"
            " failed",
            f"articles: {c.articles_new} new, {c.articles_updated} updated, {c.articles_unchanged} unchanged",
            f"headlines: {c.headlines_new} new, {c.headlines_known} already known",
        ]
        out += [f"failed: {f}" for f in self.failures]
        return out


def walk(paths: Iterable[Path]) -> Iterator[Path | IngestError]:
    """Corpus files under ``paths`` (files and folders, recursively), in a stable order."""
    for root in paths:
        if root.is_file():
            yield root
        elif root.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found += [Path(dirpath) / f for f in filenames
                          if f.endswith(ingest_files.SUFFIXES) and not f.startswith(".")]
            yield from sorted(found)
        else:
            yield IngestError("no such file or folder", path=str(root))


def ingest(engine: Engine, paths: Iterable[Path], *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
           authority: str, now: datetime | None = None,
           progress: Callable[[int, int], None] | None = None) -> Summary:
    """Ingest every corpus file under ``paths``; failures are recorded and never stop the rest."""
    now = now or datetime.now(timezone.utc)
    summary = Summary()
    with engine.connect() as conn:
        state = {r.path: r for r in conn.execute(select(files.c.path, files.c.size, files.c.mtime_ns,
                                                        files.c.sha256, files.c.status))}
    known: set[str] = set()
    targets = list(walk(paths))
    for n, target in enumerate(targets, 1):
        if progress:
            progress(n, len(targets))
        if isinstance(target, IngestError):
            summary.failures.append(target)
            continue
        _ingest_one(engine, target, state.get(str(target)), summary, known, sources=sources, taxonomy=taxonomy,
                    max_bytes=max_bytes, authority=authority, now=now)
        if len(known) > KNOWN_CACHE:
            known.clear()
    return summary


def _stat_meta(path: Path) -> tuple[int, int]:
    """Size and mtime of a page together with its metadata file, so editing either re-ingests the page."""
    st = path.stat()
    size, mtime = st.st_size, st.st_mtime_ns
    side = meta.path_for(path)
    if path.suffix == ".txt" and side.exists():
        side_st = side.stat()
        size, mtime = size + side_st.st_size, max(mtime, side_st.st_mtime_ns)
    return size, mtime


def _ingest_one(engine: Engine, path: Path, prev: object, summary: Summary, known: set[str], *,
                sources: Sources, taxonomy: Taxonomy, max_bytes: int, authority: str, now: datetime) -> None:
    key = str(path)
    try:
        size, mtime_ns = _stat_meta(path)
        if prev is not None and prev.status == "ok" and prev.size == size and prev.mtime_ns == mtime_ns:
            summary.files_unchanged += 1
            return
        data = path.read_bytes()
    except OSError as exc:
        _fail(engine, summary, IngestError(f"cannot read: {exc.strerror}", path=key), now)
        return
    side = meta.path_for(path)
    sha = hashlib.sha256(data + (side.read_bytes() if path.suffix == ".txt" and side.exists() else b"")).hexdigest()
    if prev is not None and prev.status == "ok" and prev.sha256 == sha:
        with engine.begin() as conn:
            conn.execute(update(files).where(files.c.path == key).values(size=size, mtime_ns=mtime_ns))
        summary.files_unchanged += 1
        return
    summary.files_read += 1
    try:
        extracted = ingest_files.extract(path, data, sources=sources, taxonomy=taxonomy, max_bytes=max_bytes,
                                         captured=datetime.fromtimestamp(mtime_ns / 1e9, timezone.utc))
    except IngestError as exc:
        _fail(engine, summary, exc.at(key), now, size=size, mtime_ns=mtime_ns, sha=sha)
        return
    counts = writer.Counts()
    try:
        with engine.begin() as conn:
            file_id = writer.upsert_file(conn, path=key, size=size, mtime_ns=mtime_ns, sha256=sha,
                                         status="failed" if extracted.errors else "ok", now=now)
            for article in extracted.articles:
                writer.save_article(conn, article, file_id=file_id, by_file=path.suffix == ".txt",
                                    authority=authority, now=now, counts=counts)
            writer.save_headlines(conn, extracted.headlines, authority=authority, now=now, counts=counts,
                                  known=known)
            for err in extracted.errors:
                writer.record_failure(conn, path=key, line=err.line, reason=err.reason, now=now)
    except Exception as exc:  # a store failure costs this file only
        known.clear()
        _fail(engine, summary, IngestError(f"store error: {type(exc).__name__}: {exc}", path=key), now)
        return
    summary.counts.add(counts)
    summary.failures.extend(extracted.errors)


def _fail(engine: Engine, summary: Summary, error: IngestError, now: datetime, *, size: int = 0,
          mtime_ns: int = 0, sha: str = "") -> None:
    summary.failures.append(error)
    try:
        with engine.begin() as conn:
            writer.upsert_file(conn, path=error.path or "", size=size, mtime_ns=mtime_ns, sha256=sha,
                               status="failed", now=now)
            writer.record_failure(conn, path=error.path or "", line=error.line, reason=error.reason, now=now)
    except Exception:  # the failure is still in the summary and the exit status
        pass
