"""A throwaway PostgreSQL server for the journal's tests, from Debian's `postgresql` package.

One server per test process (pytest-xdist runs one per worker), started on first use and removed
at the end: `initdb` into a new folder under /tmp (trust authentication, no fsync), `pg_ctl start`
on a free port of 127.0.0.1 with its socket in the same folder. PostgreSQL refuses to run as
root, so as root (CI) the server runs as Debian's `postgres` user; as anyone else, as that user.
Every test gets a database of its own. Missing binaries fail the tests, never skip them: CI must
install the package (`apt-get install -y postgresql`).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "kit"
INSTALL = "install Debian's PostgreSQL: sudo apt-get install -y postgresql"


def _version(path: Path) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in path.parent.parent.name.split("."))
    except ValueError:
        return (0,)


def binaries() -> Path:
    """The newest PostgreSQL's bin folder under /usr/lib/postgresql (Debian's layout)."""
    found = sorted(PG_ROOT.glob("*/bin/initdb"), key=_version)
    if not found or not (found[-1].parent / "pg_ctl").exists():
        pytest.fail(f"tests/cluster needs PostgreSQL's server binaries in {PG_ROOT}/*/bin: {INSTALL}", pytrace=False)
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A running throwaway server: its addresses, and databases made for tests."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.as_user: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="kitpg-", dir="/tmp"))  # short: a socket path is <108 bytes
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail(f"running as root, but there is no `postgres` user to run PostgreSQL as: {INSTALL}")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = 0
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync")
        for _attempt in range(3):  # another process may take the free port first
            self.port = _free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=60"
            )
            started = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start", ok=True
            )
            if started:
                break
        else:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            self.remove()
            pytest.fail(f"the throwaway PostgreSQL did not start:\n{log[-2000:]}")

    def _run(self, tool: str, *args: str, ok: bool = False) -> bool:
        done = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True, timeout=60, cwd="/"
        )
        if done.returncode != 0 and not ok:
            pytest.fail(f"{tool} failed: {done.stdout}{done.stderr}")
        return done.returncode == 0

    def url(self, dbname: str = "postgres", host: str = "127.0.0.1") -> str:
        return f"postgresql://{SUPERUSER}@{host}:{self.port}/{dbname}"

    def admin(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(dbname), autocommit=True)

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database for one test; dropped after it, whoever is still connected."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin() as db:
            db.execute(f"CREATE DATABASE {name}")
        try:
            yield name
        finally:
            with self.admin() as db:
                db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def restart(self) -> None:
        """`pg_ctl restart` (fast: every connection is closed at once); same port, same options."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", ok=True)
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    server = Cluster()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database(cluster: Cluster) -> Iterator[str]:
    """A fresh database's name (the cluster's superuser owns it)."""
    with cluster.database() as name:
        yield name


@pytest.fixture
def database_url(cluster: Cluster, database: str) -> str:
    return cluster.url(database)
