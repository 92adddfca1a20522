"""Feed serving against the physical limit, in one run: nginx serving the same feed bytes as a static file,
the Procfile's web server (warm 200, 304, gzip 200), production server candidates, and a naive baseline that
renders with feedgen on every request; then cold render and warm latency at each store size.

    python bench/feeds.py [--sizes 1000,100000] [--duration 8]

Needs wrk and nginx (Debian packages). Each size gets a SQLite store of its own in bench/out/, filled by the
real ingest from a synthetic corpus (generated once and kept). Every figure is printed as a share of nginx's
requests per second in the same run, with wrk's p99 latency and error count.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
CONNECTIONS = 32
FEED = "/feeds/politics.xml"
APP = "feedsvc:create_app"
NAIVE = "bench.naive_app:naive_app"
# Production server candidates with worker counts that fit 2 cores; {app} is a factory target.
CANDIDATES = {
    "gunicorn sync, 5 workers": "gunicorn --workers 5 --bind 127.0.0.1:{port} '{app}()'",
    "gunicorn gthread, 2x8": "gunicorn --workers 2 --threads 8 --worker-class gthread --bind 127.0.0.1:{port} "
                             "'{app}()'",
    "granian wsgi, 2 workers": "granian --interface wsgi --factory --workers 2 --host 127.0.0.1 --port {port} {app}",
    "granian wsgi, 2 workers x 1 thread": "granian --interface wsgi --factory --workers 2 --blocking-threads 1 "
                                          "--host 127.0.0.1 --port {port} {app}",
    "granian wsgi, 2 workers x 4 threads": "granian --interface wsgi --factory --workers 2 --blocking-threads 4 "
                                           "--host 127.0.0.1 --port {port} {app}",
}


@dataclass(frozen=True)
class Load:
    rps: float
    p99_ms: float
    errors: int


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
    engine = db.make_engine(url)
    db.upgrade(engine)
    if not path.with_suffix(".done").exists():
        started = time.perf_counter()
        ingest(engine, [corpus], sources=sources.load(None, "UTC"), taxonomy=topics.load(), max_bytes=10**7,
               authority="bench.invalid")
        path.with_suffix(".done").write_text("ingested\n")
        print(f"  ingested {pages} pages in {time.perf_counter() - started:.0f}s")
    engine.dispose()
    return url


def cold_render_ms(url: str, runs: int = 20) -> float:
    """Median time to query and render the feed with an empty cache, in-process."""
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
    app.extensions["feedsvc.engine"].dispose()
    return statistics.median(times)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def procfile_web() -> str:
    return next(line.split(":", 1)[1].strip() for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith("web:"))


def start(command: str, url: str) -> tuple[subprocess.Popen[bytes], str]:
    """Run a server command line (Procfile style: $PORT, or {port}) on a free loopback port."""
    port = free_port()
    command = command.replace("{port}", str(port)).replace("0.0.0.0", "127.0.0.1")
    env = {**os.environ, "FEEDSVC_DATABASE_URL": url, "PORT": str(port), "PYTHONPATH": str(ROOT),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    proc = subprocess.Popen(["bash", "-c", "exec " + command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/feeds.opml", timeout=1).read()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    stop(proc)
    raise SystemExit(f"server did not start: {command}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


def warm(base: str, path: str = FEED, n: int = 200) -> None:
    """Fill every worker's cache (identity and gzip), so that the load measures warm requests only."""
    for _ in range(n):
        urllib.request.urlopen(base + path).read()
        urllib.request.urlopen(urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})).read()


def wrk(url: str, duration: int, headers: dict[str, str] | None = None) -> Load:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert m, out
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(rps, p99, errors + (int(non2xx.group(1)) if non2xx else 0))


NGINX_CONF = """daemon off;
worker_processes 2;
pid {tmp}/nginx.pid;
error_log stderr error;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000; open_file_cache max=16;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/www;
    location / {{ default_type "application/rss+xml; charset=utf-8"; }}
  }}
}}
"""


def nginx(body: bytes, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """nginx serving ``body`` as a static file, in the foreground on a free loopback port."""
    www = tmp / "www" / "feeds"
    www.mkdir(parents=True)
    (www / "politics.xml").write_bytes(body)
    for p in (tmp, tmp / "www", www, www / "politics.xml"):
        p.chmod(0o755 if p.is_dir() else 0o644)  # nginx's workers run as an unprivileged user
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port))
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            assert urllib.request.urlopen(base + FEED, timeout=1).read() == body
            return proc, base
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise SystemExit("nginx did not start")


def row(name: str, load: Load, limit: Load) -> str:
    return (f"    {name:<34} {load.rps:9.0f} req/s  {100 * load.rps / limit.rps:5.1f}% of nginx  "
            f"p99 {load.p99_ms:7.2f} ms  errors {load.errors}")


def invalidation_seconds(url: str, base: str, out: Path) -> float:
    """From the end of an ingest in another process until every web worker serves the new item."""
    import json

    title = f"Freshness probe {time.time_ns()}"
    folder = out / "probe"
    folder.mkdir(exist_ok=True)
    (folder / f"{title[-8:]}.jsonl").write_text(json.dumps({"title": title, "source": "apa", "topics": ["sports"],
                                                            "published": "2030-01-01T00:00:00+00:00"}) + "\n")
    env = {**os.environ, "FEEDSVC_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "flask", "--app", "feedsvc", "ingest", str(folder)], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    done = time.monotonic()
    while not all(title in urllib.request.urlopen(base + "/feeds/sports.xml").read().decode() for _ in range(20)):
        time.sleep(0.02)
    return time.monotonic() - done


def warm_p50_ms(base: str, n: int = 300) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        urllib.request.urlopen(base + FEED).read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def load_run(url: str, duration: int, out: Path) -> None:
    """Every load figure of the run, against nginx measured in the same run (at its start and at its end, to
    show how much the machine's load drifted meanwhile)."""
    procfile = procfile_web()
    proc, base = start(procfile, url)
    tmp = Path(tempfile.mkdtemp())
    ngx = None
    try:
        warm(base)
        reply = urllib.request.urlopen(base + FEED)
        body, etag = reply.read(), reply.headers["ETag"]
        ngx, ngx_base = nginx(body, tmp)
        limit = wrk(ngx_base + FEED, duration)
        ngx_etag = urllib.request.urlopen(ngx_base + FEED).headers["ETag"]
        ngx_304 = wrk(ngx_base + FEED, duration, {"If-None-Match": ngx_etag})
        results = [("Procfile warm 200", wrk(base + FEED, duration)),
                   ("Procfile 304 Not Modified", wrk(base + FEED, duration, {"If-None-Match": etag})),
                   ("Procfile gzip 200", wrk(base + FEED, duration, {"Accept-Encoding": "gzip"}))]
        fresh = invalidation_seconds(url, base, out)
        stop(proc)
        candidates = []
        for name, command in CANDIDATES.items():
            proc, base = start(command.replace("{app}", APP), url)
            try:
                warm(base)
                candidates.append((name, wrk(base + FEED, duration)))
            finally:
                stop(proc)
        proc, base = start(procfile.replace(APP, NAIVE), url)
        naive = wrk(base + "/naive/politics.xml", duration)
        again = wrk(ngx_base + FEED, duration)
    finally:
        stop(proc)
        if ngx is not None:
            stop(ngx)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"  wrk, {CONNECTIONS} connections, {duration}s each, {FEED} ({len(body)} bytes):")
    print(row("nginx, same bytes as a static file", limit, limit))
    print(row("nginx 304 Not Modified", ngx_304, limit))
    for name, load in results:
        print(row(name, load, limit))
    print(row("naive (feedgen every request)", naive, limit))
    print(f"  Procfile web: {procfile}")
    print("  production server candidates, warm 200:")
    for name, load in candidates:
        print(row(name, load, limit))
    print(row("nginx again, at the end of the run", again, limit))
    print(f"  an ingest in another process reached every web worker after {fresh:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed (Debian package {tool})")
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load before the run: {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} cores)")
    scale: dict[int, tuple[float, float]] = {}
    for pages in sizes:
        print(f"store of {pages} pages:")
        url = store_for(pages, args.out)
        cold = cold_render_ms(url)
        proc, base = start(procfile_web(), url)
        try:
            warm(base, n=50)
            scale[pages] = (cold, warm_p50_ms(base))
        finally:
            stop(proc)
        print(f"  cold render of {FEED}: {cold:.1f} ms (median); warm request p50: {scale[pages][1]:.2f} ms")
        if pages == sizes[-1]:
            load_run(url, args.duration, args.out)
    if len(scale) >= 2:
        (a, (cold_a, warm_a)), (b, (cold_b, warm_b)) = min(scale.items()), max(scale.items())
        print(f"scale {a} -> {b} pages: cold render x{cold_b / cold_a:.2f}, warm latency x{warm_b / warm_a:.2f}")
    print(f"load after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
