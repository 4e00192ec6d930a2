"""The SQLite file under the store: opening it safely, its tables, and errors a person can act on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from runbook_engine.errors import InputError

BUSY_TIMEOUT_S = 30.0
APPLICATION_ID = 0x52424B54
"""Marks the SQLite file as ours ("RBKT"), so another program's database is never written to."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS incidents (
    incident_id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    number INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    head_seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    UNIQUE (day, number)
);
CREATE TABLE IF NOT EXISTS events (
    incident_id TEXT NOT NULL REFERENCES incidents (incident_id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating parents and tables) or refuse with InputError when it is not our store."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise InputError(f"{path}: cannot open the incident store: {exc}") from None
    try:
        with store_errors(path):
            _prepare(db, path)
    except BaseException:
        db.close()
        raise
    return db


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if _application_id(db) == APPLICATION_ID:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        _create_tables(db, path)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _create_tables(db: sqlite3.Connection, path: Path) -> None:
    """Inside the write lock: another process may have created the store meanwhile."""
    if _application_id(db) == APPLICATION_ID:
        return
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone():
        raise InputError(f"{path} is an SQLite file of another program, not an incident store")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _application_id(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA application_id").fetchone()[0])


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """sqlite3 errors become InputError with a message a person can act on."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(
                f"{path}: the incident store stayed locked for {BUSY_TIMEOUT_S:.0f}s",
                "another process holds it; retry",
            ) from None
        raise InputError(f"{path}: incident store error: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a readable incident store ({exc})") from None
