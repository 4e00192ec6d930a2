"""The team store's schema: numbered, forward-only SQL migrations applied under one lock.

Each file `migrations/NNNN_name.sql` runs once, in order, inside one transaction that holds an
advisory lock, so two `runbook store init` at once apply each migration exactly once.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_engine.frozen import frozen

if TYPE_CHECKING:
    import psycopg

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x52424B54
"""The advisory lock `store init` holds while it migrates ("RBKT", as SQLite's application id)."""
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@frozen
class Migration:
    """One numbered, forward-only step of the PostgreSQL schema."""

    version: int
    name: str
    sql: str


@cache
def migrations() -> tuple[Migration, ...]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path.name}: migrations are named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    return tuple(found)


def latest_version() -> int:
    return migrations()[-1].version


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> list[Migration]:
    """Bring the schema up to date; returns the migrations this call applied (none when current)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS runbook")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS runbook.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {int(str(row[0])) for row in conn.execute("SELECT version FROM runbook.schema_migrations")}
        pending = [migration for migration in migrations() if migration.version not in done]
        for migration in pending:
            conn.execute(migration.sql.encode())
            conn.execute(
                "INSERT INTO runbook.schema_migrations (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
    return pending


def current_version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The schema version of the database (0: no incident store in it)."""
    row = conn.execute("SELECT to_regclass('runbook.schema_migrations') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    found = conn.execute("SELECT COALESCE(MAX(version), 0) FROM runbook.schema_migrations").fetchone()
    return int(str(found[0])) if found else 0
