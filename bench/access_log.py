"""What the app's own access log costs per request: warm feed requests through the WSGI app in a fresh process,
with FEEDSVC_ACCESS_LOG off and on, in the text and JSON formats.

    python bench/access_log.py [--requests 5000]

The records go to a file, as a server's standard error would; no server or network is involved, so the figure
is the layer's own cost, not lost in a network round trip.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _run(requests: int, log_format: str, layer: bool) -> float:
    """Seconds per request, measured in a fresh process."""
    code = f"""
import io, sys, time
from feedsvc import create_app
from feedsvc.store import db
app = create_app({{"DATABASE_URL": sys.argv[1], "CORPUS_DIR": sys.argv[2], "LOG_FORMAT": "{log_format}",
                  "ACCESS_LOG": {layer}}})
with app.app_context():
    db.upgrade(db.get_engine())
app.test_cli_runner().invoke(args=["ingest"])
wsgi = app.wsgi_app
environ = {{"REQUEST_METHOD": "GET", "PATH_INFO": "/feeds/all.xml", "QUERY_STRING": "", "SERVER_NAME": "x",
           "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "REMOTE_ADDR": "127.0.0.1",
           "HTTP_USER_AGENT": "bench", "wsgi.errors": sys.stderr}}
def one():
    body = wsgi(dict(environ), lambda status, headers, exc_info=None: None)
    for _ in body: pass
    getattr(body, "close", lambda: None)()
for _ in range(200): one()
start = time.perf_counter()
for _ in range({requests}): one()
print((time.perf_counter() - start) / {requests})
"""
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "stderr.log", "wb") as err:
        done = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp}/b.sqlite3",
                               str(HERE.parent / "seeds")], stdout=subprocess.PIPE, stderr=err, check=True,
                              env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    return float(done.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    bare = _run(args.requests, "text", layer=False)
    print(f"warm /feeds/all.xml without the access log: {bare * 1e6:.1f} µs per request")
    for log_format in ("text", "json"):
        logged = _run(args.requests, log_format, layer=True)
        print(f"with the access log ({log_format}): {logged * 1e6:.1f} µs per request, "
              f"{logged / bare:.2f}x the time without it (+{(logged - bare) * 1e6:.1f} µs)")


if __name__ == "__main__":
    main()
