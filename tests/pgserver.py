"""A PostgreSQL server of a test's own: initdb in a temporary folder, pg_ctl on a free port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e import free_port


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    if os.environ.get("CI") == "true":
        pytest.fail("PostgreSQL's server binaries (initdb, pg_ctl) are required in CI")
    pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")


@dataclass(frozen=True)
class Server:
    """One server: its folder, port and the commands that stop and start it."""

    bin_dir: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data / "db"), "-l", str(self.data / "log"), "-w",
                  "-o", f"-p {self.port} -h 127.0.0.1 -k {self.data}", "start")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data / "db"), "-m", "fast", "-w", "stop")


@contextmanager
def own_postgres() -> Iterator[Server]:
    """A fresh, running server (trust auth, user postgres) until the block ends."""
    bin_dir = _bin_dir()
    data = Path(tempfile.mkdtemp(prefix="feedsvc-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    server = Server(bin_dir, data, free_port())
    server._run(str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync")
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:  # already stopped
            pass
        shutil.rmtree(data, ignore_errors=True)
