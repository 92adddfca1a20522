"""Time a full ingest of a synthetic corpus into SQLite, and a second run over the unchanged corpus.

    python bench/ingest.py [--pages 100000] [--dir bench/out/corpus]

Each run happens in a child process, so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def child(corpus: Path, url: str, workers: int | None) -> None:
    from feedsvc.corpus import ingest
    from feedsvc.ingest import sources, topics
    from feedsvc.store import db

    engine = db.make_engine(url)
    db.upgrade(engine)
    started = time.perf_counter()
    summary = ingest(engine, [corpus], sources=sources.load(None, "UTC"), taxonomy=topics.load(),
                     max_bytes=5_000_000, authority="bench.invalid", workers=workers)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "worker_mb": worker_mb, "read": summary.files_read,
                      "unchanged": summary.files_unchanged, "failed": len(summary.failures),
                      "articles": summary.counts.articles_new, "headlines_new": summary.counts.headlines_new,
                      "headlines_known": summary.counts.headlines_known}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=HERE / "out")
    parser.add_argument("--workers", type=int, default=0, help="parser processes (0: one per core)")
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
    for suffix in ("", "-wal", "-shm"):
        Path(str(store) + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{store}"
    runs = []
    for label in ("first run", "second run (unchanged)"):
        out = subprocess.run([sys.executable, __file__, "--child", str(corpus), url, "--workers", str(args.workers)],
                             check=True,
                             capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        runs.append(result)
        rate = args.pages / result["seconds"]
        print(f"{label}: {result['seconds']:.2f}s, {rate:,.0f} pages/s, peak {result['peak_mb']:.0f} MB "
              f"(largest worker {result['worker_mb']:.0f} MB), "
              f"read {result['read']}, unchanged {result['unchanged']}, failed {result['failed']}, "
              f"articles {result['articles']}, headlines new {result['headlines_new']} "
              f"known {result['headlines_known']}")
    print(f"second run is {runs[0]['seconds'] / runs[1]['seconds']:.1f}x faster than the first")


if __name__ == "__main__":
    main()
