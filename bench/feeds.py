"""Feed serving: warm 200s, 304s and a naive render-every-time baseline under the Procfile's web server,
and how cold renders and warm latency change between a small and a large store.

    python bench/feeds.py [--sizes 1000,100000] [--duration 10]

Needs wrk (Debian package wrk). Each size gets a SQLite store of its own in bench/out/, filled by the
real ingest from a synthetic corpus (generated once and kept).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
CONNECTIONS = 32


def store_for(pages: int, out: Path) -> str:
    from bench.corpus_gen import generate
    from feedsvc.ingest.run import ingest
    from feedsvc.store import db
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    corpus = out / f"corpus-{pages}"
    if not corpus.exists():
        generate(corpus, pages)
    path = out / f"feeds-{pages}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists():
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
    else:
        engine = db.make_engine(url)
        db.upgrade(engine)
        started = time.perf_counter()
        ingest(engine, [corpus], sources=sources.load(None, "UTC"), taxonomy=topics.load(), max_bytes=10**7,
               authority="bench.invalid")
        print(f"  ingested {pages} pages in {time.perf_counter() - started:.0f}s")
        engine.dispose()
    return url


def cold_render_ms(url: str, runs: int = 20) -> float:
    """Median time to query and render /feeds/politics.xml with an empty cache, in-process."""
    from feedsvc import create_app
    from feedsvc.web.views.feeds import RENDERERS, build, build_feed

    app = create_app({"DATABASE_URL": url})
    times = []
    with app.test_request_context():
        for _ in range(runs):
            started = time.perf_counter()
            feed, _ = build_feed(build.Query.parse("politics", {}), "xml")
            RENDERERS["xml"](feed)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def serve(url: str, app_target: str | None = None) -> tuple[subprocess.Popen[bytes], str]:
    command = next(line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines()
                   if line.startswith("web:"))
    if app_target:
        command = command.replace("'feedsvc:create_app()'", f"'{app_target}'")
    port = 5900 + os.getpid() % 50
    env = {**os.environ, "FEEDSVC_DATABASE_URL": url, "PORT": str(port), "PYTHONPATH": str(ROOT),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    proc = subprocess.Popen(["bash", "-c", "exec " + command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/feeds.opml", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def wrk(url: str, duration: int, headers: dict[str, str] | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency in ms."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert m, out
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx and headers is None:
        raise SystemExit(f"errors under load: {out}")
    return rps, p99


def warm_p50_ms(base: str, n: int = 300) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        urllib.request.urlopen(base + "/feeds/politics.xml").read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def invalidation_seconds(url: str, base: str, out: Path) -> float:
    """From the commit of an ingest in another process until every web worker serves the new item."""
    import json as json_mod

    title = f"Freshness probe {time.time_ns()}"
    folder = out / "probe"
    folder.mkdir(exist_ok=True)
    (folder / f"{title[-8:]}.jsonl").write_text(json_mod.dumps({"title": title, "source": "apa", "topics": ["sports"],
                                                               "published": "2030-01-01T00:00:00+00:00"}) + "\n")
    env = {**os.environ, "FEEDSVC_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "flask", "--app", "feedsvc", "ingest", str(folder)], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    committed = time.monotonic()
    while not all(title in urllib.request.urlopen(base + "/feeds/sports.xml").read().decode() for _ in range(20)):
        time.sleep(0.02)
    return time.monotonic() - committed


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, 15)
    proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    scale: dict[int, tuple[float, float]] = {}
    for pages in sizes:
        print(f"store of {pages} pages:")
        url = store_for(pages, args.out)
        cold = cold_render_ms(url)
        proc, base = serve(url)
        try:
            warm = warm_p50_ms(base)
            scale[pages] = (cold, warm)
            print(f"  cold render of /feeds/politics.xml: {cold:.1f} ms (median); warm request p50: {warm:.2f} ms")
            if pages != sizes[-1]:
                continue
            print(f"  an ingest in another process reached every web worker after "
                  f"{invalidation_seconds(url, base, args.out):.2f}s")
            etag = urllib.request.urlopen(base + "/feeds/politics.xml").headers["ETag"]
            warm_rps, warm_p99 = wrk(base + "/feeds/politics.xml", args.duration)
            nm_rps, nm_p99 = wrk(base + "/feeds/politics.xml", args.duration, {"If-None-Match": etag})
        finally:
            stop(proc)
        proc, base = serve(url, "bench.naive_app:naive_app()")
        try:
            naive_rps, naive_p99 = wrk(base + "/naive/politics.xml", args.duration)
        finally:
            stop(proc)
        print(f"  wrk, {CONNECTIONS} connections, {args.duration}s each, Procfile web server:")
        print(f"    naive (feedgen every request): {naive_rps:8.0f} req/s  p99 {naive_p99:7.2f} ms")
        print(f"    warm 200:                      {warm_rps:8.0f} req/s  p99 {warm_p99:7.2f} ms  "
              f"({warm_rps / naive_rps:.1f}x naive)")
        print(f"    304 Not Modified:              {nm_rps:8.0f} req/s  p99 {nm_p99:7.2f} ms  "
              f"({nm_rps / naive_rps:.1f}x naive)")
    if len(scale) == 2:
        (a, (cold_a, warm_a)), (b, (cold_b, warm_b)) = sorted(scale.items())
        print(f"scale {a} -> {b} pages: cold render x{cold_b / cold_a:.2f}, warm latency x{warm_b / warm_a:.2f}")


if __name__ == "__main__":
    main()
