"""The throw-away PostgreSQL server of a test session, and a fresh database for each test.

`scripts/test` starts a cluster with `scripts/pg_cluster` and exports RUNBOOK_TEST_PG (its URL)
and RUNBOOK_TEST_PG_DIR; a bare `pytest` starts its own when the server programs are installed.
Without either, the PostgreSQL tests skip and say why, unless RUNBOOK_REQUIRE_PG is set (CI), when
they fail instead. Like pytest-postgresql's janitor, each test's database is dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
CLUSTER = REPO / "scripts" / "pg_cluster"
TEST_SETTINGS = "fsync=off full_page_writes=off"


@dataclass
class PgServer:
    """A running cluster: its superuser URL and (when we may stop it) its directory."""

    url: str
    directory: Path | None
    owned: bool = False
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1), init=False)

    def database_url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """This server's URL with another database (and optionally another login)."""
        return with_database(self.url, database, user, password)

    def new_database(self) -> str:
        """A fresh, empty database; its name is unique in this session."""
        name = f"rbtest_{os.getpid()}_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.database_url(database), autocommit=True) as conn:
            conn.execute(sql.encode())

    def halt(self) -> None:
        self._cluster("halt")

    def resume(self) -> None:
        self._cluster("resume")

    def remove(self) -> None:
        self._cluster("remove")

    def _cluster(self, action: str) -> None:
        if self.directory is None:
            raise RuntimeError("this PostgreSQL was not started by the tests: set RUNBOOK_TEST_PG_DIR")
        subprocess.run([str(CLUSTER), action, str(self.directory)], check=True, capture_output=True)


def with_database(url: str, database: str, user: str | None = None, password: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rpartition("@")[2]
        netloc = f"{user}:{password}@{host}" if password else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


def find_server() -> tuple[PgServer | None, str]:
    """The session's server, or None and the reason there is none."""
    url = os.environ.get("RUNBOOK_TEST_PG")
    if url:
        directory = os.environ.get("RUNBOOK_TEST_PG_DIR")
        return PgServer(url, Path(directory) if directory else None), ""
    found = subprocess.run([str(CLUSTER), "bindir"], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        return None, "no PostgreSQL server programs (run scripts/test as root to install them)"
    return _start_own()


def _start_own() -> tuple[PgServer | None, str]:
    directory = Path(tempfile.mkdtemp(prefix="runbook-pg."))
    env = {**os.environ, "PG_CLUSTER_SETTINGS": TEST_SETTINGS}
    started = subprocess.run(
        [str(CLUSTER), "start", str(directory)], capture_output=True, text=True, env=env, check=False
    )
    if started.returncode != 0:
        subprocess.run([str(CLUSTER), "remove", str(directory)], capture_output=True, check=False)
        return None, f"PostgreSQL did not start: {started.stderr.strip()[-300:]}"
    return PgServer(started.stdout.strip(), directory, owned=True), ""


LOGINS = ("rbtest_alice", "rbtest_bob")
"""Responders' logins of the test server: members of the `runbook` role, nothing more."""
LOGIN_PASSWORD = "rbtest-password"


@dataclass(frozen=True)
class TeamDatabase:
    """A fresh database with the team store's schema, and URLs for the owner and the logins."""

    server: PgServer
    name: str

    @property
    def owner_url(self) -> str:
        return self.server.database_url(self.name)

    def url_as(self, login: str = LOGINS[0]) -> str:
        return self.server.database_url(self.name, login, LOGIN_PASSWORD)

    @contextmanager
    def session(self) -> Iterator[TeamDatabase]:
        """Initialise the store's schema, yield, then drop the database (the janitor's part)."""
        from runbook_engine.timeline.pg_db import connect
        from runbook_engine.timeline.pg_schema import migrate

        try:
            with connect(self.owner_url) as conn:
                migrate(conn)
            yield self
        finally:
            self.server.drop_database(self.name)


def make_logins(server: PgServer) -> None:
    """The responders' logins (roles are cluster-wide: made once, kept for later sessions)."""
    for login in LOGINS:
        server.admin(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN CREATE ROLE {login} LOGIN; "
            f"END IF; END $$; ALTER ROLE {login} PASSWORD '{LOGIN_PASSWORD}'; GRANT runbook TO {login}"
        )
