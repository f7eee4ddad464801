"""Shared fixtures: real databases for every part's tests.

``postgres_url`` starts a private PostgreSQL server from the installed binaries
(Debian package ``postgresql``) in a temporary directory on a free 127.0.0.1 port,
once per test session, and stops it at the end; it never touches a server that may
already run on the machine. initdb and postgres refuse to run as root, so under
root they run as the ``postgres`` system user. ``store_url`` gives each test a fresh
empty database on SQLite and on PostgreSQL (there: a new schema, selected through
``search_path``, which is much faster than CREATE DATABASE); ``store`` opens it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dealnudge.store import Store
from hypothesis import settings

# CI runs the property tests on fixed examples (a seed derived from each test), so a
# run is reproducible and a failure there is one anybody can replay; a developer's
# `make test` explores new examples on every run (Hypothesis' default).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

PG_USER = "postgres"
INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl) were not found: install the "
                "Debian package `postgresql` (apt-get install -y postgresql) to run the "
                "PostgreSQL half of the test suite.")


def _pg_bindir() -> Path:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                check=False)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in versions),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                         reverse=True)
    for directory in candidates:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    pytest.fail(INSTALL_HINT, pytrace=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class _Server:
    bindir: Path
    root: Path
    port: int
    as_postgres_user: bool
    durable: bool = False  # synchronous commits (for tests that stop it with -m immediate)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def run(self, *args: str) -> None:
        prefix = ["runuser", "-u", PG_USER, "--"] if self.as_postgres_user else []
        result = subprocess.run(prefix + list(args), capture_output=True, text=True, check=False,
                                cwd=self.root, timeout=120)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {result.stderr}\n{tail}")

    def start(self) -> None:
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", PG_USER,
                 "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
        for attempt in range(3):
            try:
                self.launch()
                return
            except RuntimeError as err:  # another process took the free port meanwhile
                if "already in use" not in str(err) or attempt == 2:
                    raise
                self.port = _free_port()

    def launch(self) -> None:
        """Start the server on an initialised data directory (again, after ``stop``)."""
        # Speed over durability, except for a server a test stops with -m immediate and
        # restarts: there a commit acknowledged before the stop must survive it.
        lax = "" if self.durable else "-c synchronous_commit=off "
        options = (f"-p {self.port} -h 127.0.0.1 -k {self.root} -F "
                   f"{lax}-c full_page_writes=off -c max_connections=200")
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                 "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop_when_we_die(self) -> None:
        """A detached watchdog stops the server if this test process is killed (the
        fixture's own teardown never runs then) so no orphaned server stays behind."""
        prefix = f"runuser -u {PG_USER} -- " if self.as_postgres_user else ""
        pg_ctl = shlex.quote(str(self.bindir / "pg_ctl"))
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
                  f"{prefix}{pg_ctl} -D {shlex.quote(str(self.data))} -m immediate stop; "
                  f"rm -rf {shlex.quote(str(self.root))}")
        subprocess.Popen(["sh", "-c", script], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                 "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a private, empty PostgreSQL server (database ``postgres``)."""
    with private_postgres() as server:
        yield server.url


@contextlib.contextmanager
def private_postgres(*, durable: bool = False) -> Iterator[_Server]:
    """A private PostgreSQL server for the duration of the block (tests that restart it
    use their own, not the session's, with ``durable=True``)."""
    bindir = _pg_bindir()
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="dealnudge-pg-"))
    if as_root:
        shutil.chown(root, user=PG_USER, group=PG_USER)
    server = _Server(bindir=bindir, root=root, port=_free_port(), as_postgres_user=as_root,
                     durable=durable)
    try:
        server.start()
        server.stop_when_we_die()
        yield server
    finally:
        try:
            if (server.data / "postmaster.pid").exists():
                server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _fresh_schema(postgres_url: str) -> tuple[str, str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return schema, f"{postgres_url}?options=-csearch_path%3D{schema}"


def _drop_schema(postgres_url: str, schema: str) -> None:
    import psycopg

    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a fresh, empty (unmigrated) database; once per database kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'dealnudge.db'}"
        return
    server: str = request.getfixturevalue("postgres_url")
    schema, url = _fresh_schema(server)
    yield url
    _drop_schema(server, schema)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An opened (migrated) store on a fresh database, closed after the test."""
    opened = Store.open(store_url)
    yield opened
    opened.close()
