"""The operations files, tried for real: systemd units, the nginx site, backup and restore, upgrading."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from feedsvc import __version__, create_app
from feedsvc.store import db
from tests.conftest import ROOT, SEEDS
from tests.e2e import free_port, procfile_command, procfile_env, web_server
from tests.pgserver import own_postgres

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _needs(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{tool} is required in CI")
    pytest.skip(f"{tool} not installed")


def _unit(name: str) -> str:
    """A unit file with its install paths pointed at this checkout."""
    text = (DEPLOY / name).read_text(encoding="utf-8")
    return text.replace("/srv/feedsvc/.venv/bin", str(BIN)).replace("/srv/feedsvc", str(ROOT))


def _exec_start(unit: str) -> list[str]:
    """ExecStart= with the unit's Environment= variables put in, as systemd runs it."""
    env: dict[str, str] = {}
    for line in unit.splitlines():
        if line.startswith("Environment="):
            env.update(pair.split("=", 1) for pair in shlex.split(line.split("=", 1)[1]))
    command = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("ExecStart="))
    return shlex.split(re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], command))


@pytest.mark.parametrize("name", ["feedsvc-web.service", "feedsvc-clock.service"])
def test_systemd_units_verify(tmp_path: Path, name: str) -> None:
    analyze = _needs("systemd-analyze")
    unit = tmp_path / name
    unit.write_text(_unit(name), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_units_run_the_procfile_commands() -> None:
    """The units start what the Procfile starts, so the two never drift apart."""
    web = _exec_start(_unit("feedsvc-web.service"))
    procfile_web = shlex.split(procfile_command("web").replace("${WEB_CONCURRENCY:-2}", "2")
                               .replace("--host 0.0.0.0", "--host 127.0.0.1").replace("${PORT:-5000}", "8000"))
    assert [Path(web[0]).name, *web[1:]] == procfile_web
    clock = _exec_start(_unit("feedsvc-clock.service"))
    assert [Path(clock[0]).name, *clock[1:]] == shlex.split(procfile_command("clock"))


def test_web_unit_command_serves(tmp_path: Path) -> None:
    """Started as the unit starts it (its command, its working folder's .env), the web answers /readyz."""
    port = free_port()
    command = [str(port) if part == "8000" else part for part in _exec_start(_unit("feedsvc-web.service"))]
    (tmp_path / ".env").write_text(f"FEEDSVC_DATABASE_URL=sqlite:///{tmp_path / 's.sqlite3'}\n", encoding="utf-8")
    proc = subprocess.Popen(command, cwd=tmp_path, env=procfile_env({}), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)


@contextmanager
def _nginx(tmp_path: Path, upstream: int) -> Iterator[tuple[int, int]]:
    """The site file under a real nginx, with a self-signed certificate; yields its (http, https) ports."""
    nginx = _needs("nginx")
    http, https = free_port(), free_port()
    subprocess.run([_needs("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=news.example.org", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True, timeout=60)
    site = (DEPLOY / "nginx-feedsvc.conf").read_text(encoding="utf-8")
    site = (site.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}").replace("listen 80;", f"listen {http};")
            .replace("listen 443 ssl http2;", f"listen {https} ssl http2;").replace("listen [::]:80;", "")
            .replace("listen [::]:443 ssl http2;", "")
            .replace("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(tmp_path / "key.pem")))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp_path}/logs/access.log;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n", encoding="utf-8")
    test = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=30, check=False)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        yield http, https
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_nginx_site_file_proxies_with_forwarded_headers(tmp_path: Path) -> None:
    log = tmp_path / "web.log"
    env = {"FEEDSVC_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}", "FEEDSVC_LOG_FORMAT": "json",
           "FEEDSVC_BASE_URL": "https://news.example.org", "FEEDSVC_TRUSTED_PROXIES": "1", "WEB_CONCURRENCY": "1"}
    with web_server(env, output=log) as base, _nginx(tmp_path, int(base.rsplit(":", 1)[1])) as (http, https):
        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        request = urllib.request.Request(f"https://127.0.0.1:{https}/feeds/all.xml",
                                         headers={"Host": "news.example.org"})
        with urllib.request.urlopen(request, context=insecure, timeout=10) as reply:
            assert reply.status == 200 and b"https://news.example.org/feeds/all.xml" in reply.read()
        with urllib.request.urlopen(f"https://127.0.0.1:{https}/readyz", context=insecure, timeout=10) as reply:
            assert reply.status == 200  # from this host: allowed
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as moved:
            opener.open(urllib.request.Request(f"http://127.0.0.1:{http}/", headers={"Host": "news.example.org"}))
        assert moved.value.code == 301 and moved.value.headers["Location"] == "https://news.example.org/"
    logged = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    feed = next(r for r in logged if r.get("path") == "/feeds/all.xml")
    assert feed["remote_addr"] == "127.0.0.1" and feed["status"] == 200  # as nginx's X-Forwarded-For named it


def _feed(url: str) -> bytes:
    app = create_app({"DATABASE_URL": url})
    client = app.test_client()
    body = client.get("/feeds/all.xml").data
    assert client.get("/readyz").status_code == 200
    app.extensions["feedsvc.engine"].dispose()
    return body


def test_sqlite_online_backup_and_restore(tmp_path: Path) -> None:
    """`sqlite3 FILE ".backup COPY"` while the web server runs; the copy serves the same feed."""
    sqlite3 = _needs("sqlite3")
    store, copy = tmp_path / "feedsvc.sqlite3", tmp_path / "restored" / "feedsvc.sqlite3"
    copy.parent.mkdir()
    url = f"sqlite:///{store}"
    env = procfile_env({"FEEDSVC_DATABASE_URL": url})
    subprocess.run(["flask", "--app", "feedsvc", "ingest", str(SEEDS)], env=env, check=True, capture_output=True)
    with web_server({"FEEDSVC_DATABASE_URL": url, "WEB_CONCURRENCY": "1"}) as base:
        urllib.request.urlopen(base + "/feeds/all.xml", timeout=10).read()
        subprocess.run([sqlite3, str(store), f".backup '{copy}'"], check=True, capture_output=True, timeout=60)
    assert _feed(f"sqlite:///{copy}") == _feed(url)


def test_pg_dump_and_restore(tmp_path: Path) -> None:
    with own_postgres() as pg:
        env = procfile_env({"FEEDSVC_DATABASE_URL": pg.url})
        subprocess.run(["flask", "--app", "feedsvc", "ingest", str(SEEDS)], env=env, check=True, capture_output=True)
        dump = tmp_path / "feedsvc.dump"
        where = ["-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres"]
        subprocess.run([str(pg.bin_dir / "pg_dump"), *where, "-Fc", "-f", str(dump), "postgres"], check=True,
                       timeout=120)
        subprocess.run([str(pg.bin_dir / "createdb"), *where, "restored"], check=True, timeout=60)
        subprocess.run([str(pg.bin_dir / "pg_restore"), *where, "--no-owner", "-d", "restored", str(dump)],
                       check=True, timeout=120)
        restored = pg.url.rsplit("/", 1)[0] + "/restored"
        assert _feed(restored) == _feed(pg.url)


def test_changelog_names_this_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## (\S+)", changelog, re.MULTILINE)
    assert first is not None and first.group(1) == project["version"]
    assert f"schema revision {db.head_revision()}" in changelog.split("\n## ", 2)[1]  # upgrade-db says so
