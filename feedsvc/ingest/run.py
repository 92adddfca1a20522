"""The ingest job: walk corpus paths, skip what is unchanged, store each file in its own transaction.

``load`` reads and parses one file into rows; ``store`` writes them in one transaction. Large runs load
files in worker processes while this process writes, in the files' order: parsing uses every core, and
the store has one writer, whose page cache stays warm and who never waits for another's lock. Every file
is exactly one transaction, so an interrupted run never leaves a file half-written, and the next run
finishes the rest.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import connection as mp_connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..errors import FeedsvcError, IngestError
from ..store import engine as store_engine
from ..store import queries, state, writer
from ..topics.sources import Sources
from ..topics.taxonomy import Taxonomy
from . import files as ingest_files
from . import meta

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
        return ingest_files.classify_headline(headline, self.taxonomy, self.sources.country(headline.source))


def walk(paths: Iterable[Path]) -> Iterator[str | IngestError]:
    """Corpus files under ``paths`` (files and folders, recursively), in a stable order.

    Paths are strings, spelled as ``pathlib`` spells them and in its order (by parts): a run holds all of
    them at once, and a string takes a fraction of a ``Path``'s memory.
    """
    for root in paths:
        if root.is_file():
            if not root.name.endswith(meta.SUFFIX):  # a side file is read with its page (``seeds/*``)
                yield str(root)
        elif root.is_dir():
            found: list[str] = []
            unreadable: list[OSError] = []
            for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                base = str(Path(dirpath))
                prefix = "" if base == "." else base.rstrip(os.sep) + os.sep
                found += [prefix + f for f in filenames if f.endswith(ingest_files.SUFFIXES) and not f.startswith(".")]
            found.sort(key=lambda p: p.replace(os.sep, "\x00"))  # by parts: a separator sorts before anything
            yield from found
            for exc in unreadable:  # a folder that cannot be listed is a failure, never a silent gap
                yield IngestError(f"cannot read folder: {exc.strerror or exc}", path=exc.filename or str(root))
        else:
            yield IngestError("no such file or folder", path=str(root))


def read_capped(path: Path | str, cap: int) -> bytes:
    """A regular file's bytes, read only after its size was checked, and never more than ``cap`` + 1 of them.

    Anything else (a FIFO, a device such as ``/dev/zero`` behind a symlink, a socket) is refused unopened
    for reading: a FIFO would hang the run, a device would fill memory. Opened without blocking, then
    checked on the open file, so what is read is what was checked.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IngestError("not a regular file (a FIFO, device or socket)", path=str(path))
        if st.st_size > cap:
            raise IngestError(f"file is {st.st_size} bytes, over the cap of {cap} (FEEDSVC_MAX_FILE_BYTES)",
                              path=str(path))
        return handle.read(cap + 1)  # a file that grew meanwhile is still refused, by decode


def _stat(path: Path | str) -> tuple[int, int, Path | None]:
    """Size and mtime of a page together with its metadata file, so editing either re-ingests the page."""
    st = os.stat(path)
    size, mtime = st.st_size, st.st_mtime_ns
    if str(path).endswith(".txt"):
        side = meta.path_for(Path(path))
        try:
            side_st = side.stat()
        except FileNotFoundError:
            return size, mtime, None
        return size + side_st.st_size, max(mtime, side_st.st_mtime_ns), side
    return size, mtime, None


def _unchanged(path: str, known: Known | None) -> bool:
    """Whether size and modification time match the last run's, from a stat alone."""
    if known is None or not known.ok:
        return False
    try:
        size, mtime_ns, _ = _stat(path)
    except OSError:
        return False
    return (known.size, known.mtime_ns) == (size, mtime_ns)


@dataclass(frozen=True)
class Loaded:
    """One file read and parsed into rows, not yet stored: what a worker process hands back."""

    path: Path
    known: Known | None
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""
    same: bool = False  # the content the last run stored: only size and time are new
    failure: IngestError | None = None  # the file as a whole cannot be used
    articles: tuple[writer.ArticleRow, ...] = ()
    headlines: tuple[writer.HeadlineRow | str, ...] = ()  # a bare key: a row an earlier file carried
    errors: tuple[IngestError, ...] = ()  # lines that failed (JSON Lines)


def load(path: Path, known: Known | None, job: Job, made: set[str]) -> Loaded:
    """Read and parse one file into rows; failures are returned, never raised.

    ``made`` holds the headline keys whose rows earlier files handed over (see ``writer.headline_rows``).
    """
    try:
        size, mtime_ns, side = _stat(path)
        data = read_capped(path, job.max_bytes)
        side_data = read_capped(side, job.max_bytes) if side else b""
    except OSError as exc:
        return Loaded(path, known, failure=IngestError(f"cannot read: {exc.strerror or exc}", path=str(path)))
    except IngestError as exc:
        return Loaded(path, known, failure=exc)
    sha = hashlib.sha256(data + side_data).hexdigest()
    if known is not None and known.ok and known.sha256 == sha:
        return Loaded(path, known, size, mtime_ns, sha, same=True)
    try:
        page_meta = meta.parse(side_data.decode("utf-8"), str(side)) if side else None
        extracted = ingest_files.extract(path, data, sources=job.sources, taxonomy=job.taxonomy,
                                         max_bytes=job.max_bytes, page_meta=page_meta,
                                         captured=datetime.fromtimestamp(mtime_ns / 1e9, UTC))
    except UnicodeDecodeError:
        return Loaded(path, known, size, mtime_ns, sha, failure=IngestError("metadata file is not UTF-8",
                                                                            path=str(side)))
    except IngestError as exc:
        return Loaded(path, known, size, mtime_ns, sha, failure=exc.at(exc.path or str(path)))
    except (ValueError, OverflowError) as exc:  # a value no check foresaw: this file fails, the run goes on
        return Loaded(path, known, size, mtime_ns, sha, failure=IngestError(f"cannot read: {exc}", path=str(path)))
    if len(made) > KNOWN_CACHE:
        made.clear()
    try:
        articles = tuple(writer.article_row(a) for a in extracted.articles)
        headlines = tuple(writer.headline_rows(extracted.headlines, made, classify=job.classify_headline))
    except (ValueError, OverflowError) as exc:
        return Loaded(path, known, size, mtime_ns, sha, failure=IngestError(f"cannot read: {exc}", path=str(path)))
    return Loaded(path, known, size, mtime_ns, sha, articles=articles, headlines=headlines, errors=extracted.errors)


class _RowsNeeded(Exception):
    """Rolls back a file's transaction that met bare headline keys it cannot resolve."""


def store(conn: Connection, loaded: Loaded, job: Job, seen: set[str]) -> Summary:
    """Write one loaded file in one transaction on ``conn``; failures are recorded, never raised.

    ``seen`` holds the headline keys this run has stored or met in the store.
    """
    try:
        return _store_once(conn, loaded, job, seen)
    except _RowsNeeded:
        # A bare key of a headline whose row an earlier file carried and that did not get stored (that file
        # failed): load this file again with all its rows, which has no bare keys. Rare, so it is done here.
        return _store_once(conn, load(loaded.path, loaded.known, job, set()), job, seen)


def _store_once(conn: Connection, loaded: Loaded, job: Job, seen: set[str]) -> Summary:
    """``store``, raising ``_RowsNeeded`` when the file's bare headline keys cannot be resolved."""
    result = Summary()
    key = str(loaded.path)
    if loaded.failure is not None:
        _fail(conn, result, loaded.failure, key, loaded.size, loaded.mtime_ns, loaded.sha256, job.now)
        return result
    if loaded.same:
        with conn.begin():
            writer.touch_file(conn, path=key, size=loaded.size, mtime_ns=loaded.mtime_ns)
        result.files_unchanged = 1
        return result
    result.files_read = 1
    for attempt in range(1, RETRIES + 1):
        try:
            counts, flushed = _write(conn, loaded, job, seen, attempt)
            break
        except IntegrityError:  # another process stored the same item meanwhile: the retry finds it
            seen.clear()
            if attempt == RETRIES:
                raise
        except DBAPIError as exc:  # a store failure costs this file only
            seen.clear()
            error = IngestError(f"store error: {type(exc.orig).__name__}: {exc.orig}", path=key)
            _fail(conn, result, error, key, loaded.size, loaded.mtime_ns, loaded.sha256, job.now)
            return result
    if len(seen) > KNOWN_CACHE:
        seen.clear()
    result.counts = counts
    result.failures.extend(loaded.errors)
    result.topics_changed = {row["topic"] for row in flushed}
    return result


def _write(conn: Connection, loaded: Loaded, job: Job, seen: set[str],
           attempt: int) -> tuple[writer.Counts, list[dict[str, Any]]]:
    """One attempt at the file's transaction: its row, items, headlines, topics and failed lines.

    Returns the counts and the topic rows written.
    """
    key, known = str(loaded.path), loaded.known
    counts = writer.Counts()
    topic_rows: list[dict[str, Any]] = []
    with conn.begin():
        file_id = writer.upsert_file(conn, path=key, size=loaded.size, mtime_ns=loaded.mtime_ns,
                                     sha256=loaded.sha256, status="failed" if loaded.errors else "ok",
                                     now=job.now, known=known is not None or attempt > 1)
        for row in loaded.articles:
            writer.save_article(conn, row, file_id=file_id, by_file=loaded.path.suffix == ".txt",
                                authority=job.authority, now=job.now, counts=counts,
                                topic_rows=topic_rows, new_file=known is None and attempt == 1)
        if writer.save_headlines(conn, loaded.headlines, authority=job.authority, now=job.now,
                                 counts=counts, topic_rows=topic_rows, seen=seen):
            raise _RowsNeeded
        flushed = list(topic_rows)
        writer.flush_topics(conn, topic_rows)
        for err in loaded.errors:
            writer.record_failure(conn, path=key, line=err.line, reason=err.reason, now=job.now)
    return counts, flushed


def _fail(conn: Connection, result: Summary, error: IngestError, path: str, size: int, mtime_ns: int, sha: str,
          now: datetime) -> None:
    result.failures.append(error)
    try:
        with conn.begin():
            writer.upsert_file(conn, path=path, size=size, mtime_ns=mtime_ns, sha256=sha, status="failed", now=now)
            writer.record_failure(conn, path=error.path or path, line=error.line, reason=error.reason, now=now)
    except DBAPIError:  # the failure is still in the summary and the exit status
        pass


def _worker(conn: mp_connection.Connection, job: Job, parent: int) -> None:
    """A loading process: chunks of targets in, their ``Loaded`` out, in order, until told to stop."""
    made: set[str] = set()
    try:
        while (chunk := conn.recv()) is not None:
            out = []
            for path, known in chunk:
                if os.getppid() != parent:
                    os._exit(1)  # the run was killed: stop
                out.append(load(Path(path), known, job, made))
            conn.send(out)
    except EOFError:  # the run is gone
        pass
    except BaseException as exc:  # noqa: BLE001 - handed to the run, which raises it
        conn.send(exc)


def _stopped(proc: BaseProcess) -> FeedsvcError:
    proc.join(timeout=5)
    return FeedsvcError(f"an ingest helper process stopped (exit status {proc.exitcode}); "
                        "the files stored so far are kept, and the next run does the rest")


def _loaded(targets: list[tuple[str, Known | None]], job: Job, workers: int) -> Iterator[Loaded]:
    """``load`` of every target, in order, by ``workers`` processes: this one, which also writes, and
    ``workers - 1`` helpers.

    Chunks go to the helpers over a pipe each, a few in flight per helper, and each helper answers its
    chunks in the order it got them. Whenever the next chunk due is not back yet, this process loads the
    next unsent chunk itself rather than wait, and keeps it until its turn. So the writer never idles
    while there is parsing to do, and no more processes run than there are cores (a busy extra process,
    or a ``multiprocessing.Pool``'s three threads, costs more in contention than it adds).
    """
    made: set[str] = set()
    if workers <= 1:
        for path, known in targets:
            yield load(Path(path), known, job, made)
        return
    chunks = [targets[i:i + CHUNK] for i in range(0, len(targets), CHUNK)]
    ctx = multiprocessing.get_context("spawn")  # safe from threaded callers (scheduler, dev server)
    pipes: list[mp_connection.Connection] = []
    procs = []
    in_flight: list[deque[int]] = []
    local: dict[int, list[Loaded]] = {}  # chunks this process loaded ahead of their turn
    owner: dict[int, int] = {}
    try:
        for _ in range(workers - 1):
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(there, job, os.getpid()), daemon=True)
            proc.start()
            there.close()
            pipes.append(here)
            procs.append(proc)
            in_flight.append(deque())
        assigned = 0
        for i in range(len(chunks)):
            while i not in local:
                while assigned < len(chunks):  # keep every helper's window full
                    helper = min(range(len(pipes)), key=lambda h: len(in_flight[h]))
                    if len(in_flight[helper]) >= WINDOW:
                        break
                    try:
                        pipes[helper].send(chunks[assigned])
                    except OSError:
                        raise _stopped(procs[helper]) from None
                    in_flight[helper].append(assigned)
                    owner[assigned] = helper
                    assigned += 1
                helper = owner[i]
                if assigned < len(chunks) and not pipes[helper].poll():
                    local[assigned] = [load(Path(path), known, job, made) for path, known in chunks[assigned]]
                    assigned += 1
                    continue
                try:
                    got = pipes[helper].recv()
                except (EOFError, OSError):
                    raise _stopped(procs[helper]) from None
                if isinstance(got, BaseException):
                    raise got
                local[in_flight[helper].popleft()] = got
            yield from local.pop(i)
    finally:
        for pipe in pipes:
            try:
                pipe.send(None)
            except OSError:
                pass
            pipe.close()
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()


def ingest(engine: Engine, paths: Iterable[Path], *, sources: Sources, taxonomy: Taxonomy, max_bytes: int,
           authority: str, now: datetime | None = None, workers: int | None = None,
           progress: Callable[[int, int], None] | None = None) -> Summary:
    """Ingest every corpus file under ``paths``; failures are recorded and never stop the rest."""
    job = Job(sources, taxonomy, max_bytes, authority, now or datetime.now(UTC))
    summary = Summary()
    with engine.connect() as conn:
        state = {r.path: Known(r.size, r.mtime_ns, r.sha256, r.status == "ok") for r in queries.files_known(conn)}
    targets: list[tuple[str, Known | None]] = []
    total = 0
    for found in walk(paths):
        total += 1
        if isinstance(found, IngestError):
            summary.failures.append(found)
        elif _unchanged(found, state.get(found)):
            summary.files_unchanged += 1
        else:
            targets.append((found, state.get(found)))
    done = total - len(targets)

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    step(0)
    workers = workers or os.cpu_count() or 1
    if len(targets) < PARALLEL_FROM:
        workers = 1
    seen: set[str] = set()
    with engine.connect().execution_options(**store_engine.WRITER) as conn:
        announce = _Announcer(conn)
        for loaded in _loaded(targets, job, workers):
            part = store(conn, loaded, job, seen)
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
