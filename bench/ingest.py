"""Time a full ingest of a synthetic corpus into SQLite, and a second run over the unchanged corpus.

    python bench/ingest.py [--pages 100000] [--dir bench/out/corpus]

Each run happens in a child process, so its peak memory is its own. The loading helpers' peaks are read
from /proc (VmHWM) while they run: their max RSS from getrusage would count the pages they share with the
run at the moment they are forked, before they exec.

    python bench/ingest.py --pages 100000 --serial   # also time one process alone, as the baseline
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _helper_peaks(peaks: dict[int, int], stop: threading.Event) -> None:
    """Sample the peak resident memory (kB) of this process's children until ``stop``."""
    while not stop.wait(0.2):
        for task in Path("/proc/self/task").iterdir():
            for pid in (task / "children").read_text().split():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[int(pid)] = max(peaks.get(int(pid), 0), int(line.split()[1]))


def child(corpus: Path, url: str, workers: int | None) -> None:
    from feedsvc.ingest.run import ingest
    from feedsvc.store import db
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    engine = db.make_engine(url)
    db.upgrade(engine)
    peaks: dict[int, int] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_helper_peaks, args=(peaks, stop), daemon=True)
    sampler.start()
    started = time.perf_counter()
    summary = ingest(engine, [corpus], sources=sources.load(None, "UTC"), taxonomy=topics.load(),
                     max_bytes=5_000_000, authority="bench.invalid", workers=workers)
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helpers_mb = sum(peaks.values()) / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "helpers_mb": helpers_mb, "read": summary.files_read,
                      "unchanged": summary.files_unchanged, "failed": len(summary.failures),
                      "articles": summary.counts.articles_new, "headlines_new": summary.counts.headlines_new,
                      "headlines_known": summary.counts.headlines_known}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=HERE / "out")
    parser.add_argument("--workers", type=int, default=0, help="parser processes (0: one per core)")
    parser.add_argument("--serial", action="store_true", help="also time one process alone (the baseline)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], args.workers or None)
        return
    from bench.corpus_gen import generate

    corpus = args.dir / f"corpus-{args.pages}"
    if not corpus.exists():
        t = time.perf_counter()
        generate(corpus, args.pages)
        print(f"generated {args.pages} pages in {time.perf_counter() - t:.1f}s at {corpus}")
    store = args.dir / "bench.sqlite3"
    url = f"sqlite:///{store}"

    def run(label: str, workers: int) -> dict[str, float]:
        out = subprocess.run([sys.executable, __file__, "--child", str(corpus), url, "--workers", str(workers)],
                             check=True, capture_output=True, text=True).stdout
        result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
        print(f"{label}: {result['seconds']:.2f}s, {args.pages / result['seconds']:,.0f} pages/s, "
              f"peak {result['peak_mb']:.0f} MB + helpers {result['helpers_mb']:.0f} MB "
              f"= {result['peak_mb'] + result['helpers_mb']:.0f} MB, "
              f"read {result['read']}, unchanged {result['unchanged']}, failed {result['failed']}, "
              f"articles {result['articles']}, headlines new {result['headlines_new']} "
              f"known {result['headlines_known']}")
        return result

    def fresh_store() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(store) + suffix).unlink(missing_ok=True)

    fresh_store()
    first = run("first run", args.workers)
    second = run("second run (unchanged)", args.workers)
    print(f"second run is {first['seconds'] / second['seconds']:.1f}x faster than the first")
    if args.serial:
        fresh_store()
        serial = run("baseline: first run in one process", 1)
        print(f"first run is {serial['seconds'] / first['seconds']:.2f}x the one-process baseline's speed")


if __name__ == "__main__":
    main()
