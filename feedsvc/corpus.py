"""The ingest job: walk corpus paths, skip what is unchanged, store each file in its own transaction.

``ingest_file`` reads, parses and writes one file. Large runs spread files over worker processes, each
with its own connection, so parsing and writing proceed on every core; every file is still exactly one
transaction, so an interrupted run never leaves a file half-written, and the next run finishes the rest.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from .errors import IngestError
from .ingest import files as ingest_files
from .ingest import meta
from .ingest.sources import Sources
from .ingest.topics import Taxonomy
from .store import engine as store_engine
from .store import state, writer
from .store.schema import files

KNOWN_CACHE = 20_000
PARALLEL_FROM = 200  # below this many changed files, worker start-up costs more than it saves
CHUNK = 16
WINDOW = 4  # chunks in flight per worker
RETRIES = 3  # a file that met a concurrent writer's row is tried again, and then finds it


@dataclass
class Summary:
    """What one ingest run did."""

    files_read: int = 0
    files_unchanged: int = 0
    counts: writer.Counts = field(default_factory=writer.Counts)
    failures: list[IngestError] = field(default_factory=list)
    topics_changed: set[str] = field(default_factory=set)  # topics with new or changed items

    def add(self, other: Summary) -> None:
        self.files_read += other.files_read
        self.files_unchanged += other.files_unchanged
        self.counts.add(other.counts)
        self.failures.extend(other.failures)
        self.topics_changed |= other.topics_changed

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            (f"files: {self.files_read} read, {self.files_unchanged} unchanged, "
             f"{len({f.path for f in self.failures})} failed"),
            f"articles: {c.articles_new} new, {c.articles_updated} updated, {c.articles_unchanged} unchanged",
            f"headlines: {c.headlines_new} new, {c.headlines_known} already known",
        ]
        out += [f"failed: {f}" for f in self.failures]
        return out


class Known(NamedTuple):
    """What the store knows of a file from an earlier run."""

    size: int
    mtime_ns: int
    sha256: str
    ok: bool


@dataclass(frozen=True)
class Job:
    """Everything a file's ingest needs besides the file: handed to worker processes once."""

    sources: Sources
    taxonomy: Taxonomy
    max_bytes: int
    authority: str
    now: datetime

    def classify_headline(self, headline: Any) -> Any:
        return ingest_files.classify_headline(headline, self.taxonomy)


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


def _stat(path: Path) -> tuple[int, int, Path | None]:
    """Size and mtime of a page together with its metadata file, so editing either re-ingests the page."""
    st = path.stat()
    size, mtime = st.st_size, st.st_mtime_ns
    if path.suffix == ".txt":
        side = meta.path_for(path)
        try:
            side_st = side.stat()
        except FileNotFoundError:
            return size, mtime, None
        return size + side_st.st_size, max(mtime, side_st.st_mtime_ns), side
    return size, mtime, None


def _unchanged(path: Path, known: Known | None) -> bool:
    """Whether size and modification time match the last run's, from a stat alone."""
    if known is None or not known.ok:
        return False
    try:
        size, mtime_ns, _ = _stat(path)
    except OSError:
        return False
    return (known.size, known.mtime_ns) == (size, mtime_ns)


def ingest_file(conn: Connection, path: Path, known: Known | None, job: Job, seen: set[str],
                write_lock: Any = None) -> Summary:
    """Read, parse and store one file in one transaction on ``conn``; failures are recorded, never raised.

    ``write_lock`` serialises the write transactions of several processes on one SQLite file: waiting on it
    wakes the next writer at once, where SQLite's own busy handler would sleep for milliseconds.
    """
    write_lock = write_lock or nullcontext()
    result = Summary()
    key = str(path)
    try:
        size, mtime_ns, side = _stat(path)
        data = path.read_bytes()
        side_data = side.read_bytes() if side else b""
    except OSError as exc:
        _fail(conn, result, IngestError(f"cannot read: {exc.strerror or exc}", path=key), key, 0, 0, "", job.now)
        return result
    sha = hashlib.sha256(data + side_data).hexdigest()
    if known is not None and known.ok and known.sha256 == sha:
        with conn.begin():
            conn.execute(update(files).where(files.c.path == key).values(size=size, mtime_ns=mtime_ns))
        result.files_unchanged = 1
        return result
    result.files_read = 1
    try:
        page_meta = meta.parse(side_data.decode("utf-8"), str(side)) if side else None
        extracted = ingest_files.extract(path, data, sources=job.sources, taxonomy=job.taxonomy,
                                         max_bytes=job.max_bytes, page_meta=page_meta,
                                         captured=datetime.fromtimestamp(mtime_ns / 1e9, UTC))
    except UnicodeDecodeError:
        error = IngestError("metadata file is not UTF-8", path=str(side))
        _fail(conn, result, error, key, size, mtime_ns, sha, job.now)
        return result
    except IngestError as exc:
        _fail(conn, result, exc.at(exc.path or key), key, size, mtime_ns, sha, job.now)
        return result
    rows = [writer.article_row(a) for a in extracted.articles]
    for attempt in range(1, RETRIES + 1):
        fresh = writer.fresh_headlines(extracted.headlines, seen, authority=job.authority, now=job.now,
                                       classify=job.classify_headline)
        counts = writer.Counts()
        topic_rows: list[dict[str, Any]] = []
        try:
            with write_lock, conn.begin():
                file_id = writer.upsert_file(conn, path=key, size=size, mtime_ns=mtime_ns, sha256=sha,
                                             status="failed" if extracted.errors else "ok", now=job.now,
                                             known=known is not None or attempt > 1)
                for row in rows:
                    writer.save_article(conn, row, file_id=file_id, by_file=path.suffix == ".txt",
                                        authority=job.authority, now=job.now, counts=counts,
                                        topic_rows=topic_rows, new_file=known is None and attempt == 1)
                writer.save_headlines(conn, fresh, now=job.now, counts=counts, topic_rows=topic_rows, seen=seen)
                flushed = list(topic_rows)
                writer.flush_topics(conn, topic_rows)
                for err in extracted.errors:
                    writer.record_failure(conn, path=key, line=err.line, reason=err.reason, now=job.now)
        except IntegrityError:
            seen.clear()
            if attempt < RETRIES:
                continue
            raise
        except DBAPIError as exc:  # a store failure costs this file only
            seen.clear()
            error = IngestError(f"store error: {type(exc.orig).__name__}: {exc.orig}", path=key)
            _fail(conn, result, error, key, size, mtime_ns, sha, job.now)
            return result
        break
    result.counts = counts
    result.failures.extend(extracted.errors)
    result.topics_changed = {row["topic"] for row in flushed}
    return result


def _fail(conn: Connection, result: Summary, error: IngestError, path: str, size: int, mtime_ns: int, sha: str,
          now: datetime) -> None:
    result.failures.append(error)
    try:
        with conn.begin():
            writer.upsert_file(conn, path=path, size=size, mtime_ns=mtime_ns, sha256=sha, status="failed", now=now)
            writer.record_failure(conn, path=error.path or path, line=error.line, reason=error.reason, now=now)
    except DBAPIError:  # the failure is still in the summary and the exit status
        pass


_WORKER: dict[str, Any] = {}


def _worker_init(url: str, job: Job, parent: int, write_lock: Any) -> None:
    engine = store_engine.make_engine(url)
    _WORKER.update(job=job, parent=parent, engine=engine, seen=set(), lock=write_lock,
                   conn=engine.connect().execution_options(**store_engine.WRITER))


def _worker_chunk(chunk: list[tuple[Path, Known | None]]) -> Summary:
    total = Summary()
    seen: set[str] = _WORKER["seen"]
    for path, known in chunk:
        if os.getppid() != _WORKER["parent"]:
            os._exit(1)  # the run was killed: stop between files, never inside one
        total.add(ingest_file(_WORKER["conn"], path, known, _WORKER["job"], seen, _WORKER["lock"]))
        if len(seen) > KNOWN_CACHE:
            seen.clear()
    return total


def _parallel(engine: Engine, targets: list[tuple[Path, Known | None]], job: Job, workers: int,
              progress: Callable[[int], None]) -> Iterator[Summary]:
    chunks = [targets[i:i + CHUNK] for i in range(0, len(targets), CHUNK)]
    url = engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")  # safe from threaded callers (scheduler, dev server)
    write_lock = ctx.Lock() if engine.dialect.name == "sqlite" else None
    with ctx.Pool(workers, initializer=_worker_init, initargs=(url, job, os.getpid(), write_lock)) as pool:
        pending: deque[tuple[Any, int]] = deque()
        next_chunk = 0
        while next_chunk < len(chunks) or pending:
            while next_chunk < len(chunks) and len(pending) < WINDOW * workers:
                pending.append((pool.apply_async(_worker_chunk, (chunks[next_chunk],)), len(chunks[next_chunk])))
                next_chunk += 1
            handle, size = pending.popleft()
            yield handle.get()
            progress(size)


def ingest(engine: Engine, paths: Iterable[Path], *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
           authority: str, now: datetime | None = None, workers: int | None = None,
           progress: Callable[[int, int], None] | None = None) -> Summary:
    """Ingest every corpus file under ``paths``; failures are recorded and never stop the rest."""
    job = Job(sources, taxonomy, max_bytes, authority, now or datetime.now(UTC))
    summary = Summary()
    with engine.connect() as conn:
        state = {r.path: Known(r.size, r.mtime_ns, r.sha256, r.status == "ok")
                 for r in conn.execute(select(files.c.path, files.c.size, files.c.mtime_ns, files.c.sha256,
                                              files.c.status))}
    targets: list[tuple[Path, Known | None]] = []
    total = 0
    for found in walk(paths):
        total += 1
        if isinstance(found, IngestError):
            summary.failures.append(found)
        elif _unchanged(found, state.get(str(found))):
            summary.files_unchanged += 1
        else:
            targets.append((found, state.get(str(found))))
    done = total - len(targets)

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    step(0)
    workers = workers or os.cpu_count() or 1
    with engine.connect().execution_options(**store_engine.WRITER) as conn:
        announce = _Announcer(conn)
        if workers > 1 and len(targets) >= PARALLEL_FROM and engine.url.database not in (None, "", ":memory:"):
            for part in _parallel(engine, targets, job, workers, step):
                summary.add(part)
                announce(part, final=False)
        else:
            seen: set[str] = set()
            for path, known in targets:
                part = ingest_file(conn, path, known, job, seen)
                summary.add(part)
                announce(part, final=False)
                step(1)
        announce(Summary(), final=True)
    return summary


class _Announcer:
    """Bumps the store version after changes, at most once a second during a run and once at its end,
    so web processes see new content within about a second of it being committed."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pending = False
        self.last = time.monotonic()

    def __call__(self, part: Summary, *, final: bool) -> None:
        c = part.counts
        self.pending = self.pending or bool(c.articles_new or c.articles_updated or c.headlines_new)
        if self.pending and (final or time.monotonic() - self.last >= 1.0):
            with self.conn.begin():
                state.bump(self.conn)
            self.pending = False
            self.last = time.monotonic()
