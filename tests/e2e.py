"""End-to-end helpers: the Procfile's web server as a real process, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def procfile_command(kind: str) -> str:
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{kind}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"Procfile has no {kind}: line")


def procfile_env(env: dict[str, str], *, bin_dir: Path | None = None, inherit: bool = True) -> dict[str, str]:
    """The environment a Procfile line runs in: this one (unless not ``inherit``), ``env``, and the installed
    commands on PATH (``bin_dir``, default: this environment's, as a self-hoster has it active)."""
    path = str(bin_dir or Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    return {**(os.environ if inherit else {}), **env, "PATH": path}


@contextmanager
def web_server(env: dict[str, str], *, bin_dir: Path | None = None, cwd: Path = ROOT, inherit: bool = True,
               output: Path | None = None, ready_path: str = "/feeds.opml") -> Iterator[str]:
    """Run the Procfile's ``web:`` line as written, on a free port, until the block ends; what it prints
    goes to ``output`` (a temporary file by default).

    With ``inherit`` false the server sees ``env`` and PATH only, not this process's environment.
    """
    port = free_port()
    if output is None:
        handle, name = tempfile.mkstemp(prefix="feedsvc-web-", suffix=".log")
        os.close(handle)
        output = Path(name)
    with output.open("wb") as sink:
        proc = subprocess.Popen(["bash", "-c", "exec " + procfile_command("web")], cwd=cwd,
                                env=procfile_env({**env, "PORT": str(port)}, bin_dir=bin_dir, inherit=inherit),
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + ready_path, timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"web server did not start:\n{output.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        if proc.poll() is None:
            _wait_for_every_worker(output)
            os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)  # a graceful stop; on a loaded machine a worker can take a while to finish
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)
            raise AssertionError(f"web server did not stop within 30 s of SIGTERM:\n{output.read_text()}") from None


def _wait_for_every_worker(output: Path, timeout: float = 20.0) -> None:
    """Until every worker the server spawned has started: granian stopped while a worker is still starting
    waits for that worker forever, so a test that is done after the first answer lets the others come up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = output.read_text(errors="replace")
        if log.count("Spawning worker") <= log.count("Started worker"):
            return
        time.sleep(0.1)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("headless Chromium (Debian package chromium) is required in CI")
    pytest.skip("chromium not installed")


def browse(url: str, *, width: int, height: int, screenshot: Path | None, tmp: Path) -> tuple[str, str]:
    """Load ``url`` in headless Chromium; return the DOM after scripts ran, and the browser's log."""
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={tmp}", f"--window-size={width},{height}",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000"]
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=60, check=False)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([*base, f"--screenshot={screenshot}", url], capture_output=True, timeout=60, check=False)
    return dom.stdout, dom.stderr
