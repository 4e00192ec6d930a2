"""The SQLite file under the store: opening it safely, its tables, and errors a person can act on."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from runbook_engine.errors import InputError
from runbook_engine.timeline.lock_holders import held_by

BUSY_TIMEOUT_S = 30.0
"""How long a command waits for another writer's lock; `RUNBOOK_BUSY_TIMEOUT` (seconds) changes it."""


def busy_timeout_s() -> float:
    try:
        return max(0.1, float(os.environ.get("RUNBOOK_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S
APPLICATION_ID = 0x52424B54
"""Marks the SQLite file as ours ("RBKT"), so another program's database is never written to."""

_TABLES = (
    """CREATE TABLE IF NOT EXISTS incidents (
        incident_id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        head_seq INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        UNIQUE (day, number)
    )""",
    """CREATE TABLE IF NOT EXISTS events (
        incident_id TEXT NOT NULL REFERENCES incidents (incident_id),
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (incident_id, seq)
    )""",
)
_APPEND_ONLY = (
    """CREATE TRIGGER IF NOT EXISTS events_are_never_updated BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only: never updated'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'timeline events are append-only: never deleted'); END""",
    """CREATE TRIGGER IF NOT EXISTS incidents_are_never_deleted BEFORE DELETE ON incidents
    BEGIN SELECT RAISE(ABORT, 'incidents are never deleted'); END""",
)
"""The store itself refuses to rewrite history, whichever program writes to the file.

This guards against accidents (a hand-run `DELETE`, another tool); the hash chain is what
detects a deliberate forger, who can drop these triggers first."""

_SNAPSHOTS = """CREATE TABLE IF NOT EXISTS snapshots (
    incident_id TEXT PRIMARY KEY REFERENCES incidents (incident_id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL
)"""
"""Folded states (timeline/snapshot.py): a shortcut beside the chain, replaced freely, never
trusted over it."""

_STORE_LOG = """CREATE TABLE IF NOT EXISTS store_log (
    at TEXT NOT NULL,
    what TEXT NOT NULL
)"""
"""What the store repaired by itself (e.g. append-only triggers found dropped); `verify` shows it."""

TRIGGERS = ("events_are_never_updated", "events_are_never_deleted", "incidents_are_never_deleted")

SCHEMA_VERSION = 4
"""`PRAGMA user_version` of a current store. 0/1: tables only; 2: with the triggers; 3: snapshots;
4: the store log."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating parents and tables) or refuse with InputError when it is not our store."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=busy_timeout_s(), isolation_level=None, check_same_thread=False)
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
    db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s() * 1000)}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    if _is_current(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        _create_or_upgrade(db, path)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _is_current(db: sqlite3.Connection) -> bool:
    """Ours, upgraded, and with every append-only trigger: a dropped trigger is put back on open."""
    current = _application_id(db) == APPLICATION_ID and _user_version(db) >= SCHEMA_VERSION
    return current and not missing_triggers(db)


def missing_triggers(db: sqlite3.Connection) -> list[str]:
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [name for name in TRIGGERS if name not in present]


def _create_or_upgrade(db: sqlite3.Connection, path: Path) -> None:
    """Inside the write lock: another process may have created or upgraded the store meanwhile."""
    if _is_current(db):
        return
    if _application_id(db) != APPLICATION_ID:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone():
            raise InputError(f"{path} is an SQLite file of another program, not an incident store")
        for statement in _TABLES:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    dropped = missing_triggers(db) if _user_version(db) >= 2 else []
    for statement in (*_APPEND_ONLY, _SNAPSHOTS, _STORE_LOG):
        db.execute(statement)
    if dropped:
        what = f"append-only triggers were missing and were restored: {', '.join(dropped)}"
        db.execute("INSERT INTO store_log VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)", (what,))
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def orphaned_incidents(db: sqlite3.Connection) -> list[str]:
    """Incident ids that have events but no `incidents` row (a row deleted by hand)."""
    rows = db.execute(
        "SELECT DISTINCT incident_id FROM events"
        " WHERE incident_id NOT IN (SELECT incident_id FROM incidents) ORDER BY incident_id"
    )
    return [str(row[0]) for row in rows]


def store_log(db: sqlite3.Connection) -> list[str]:
    return [f"{at}: {what}" for at, what in db.execute("SELECT at, what FROM store_log ORDER BY rowid")]


def _application_id(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA application_id").fetchone()[0])


def _user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """sqlite3 errors become InputError with a message a person can act on."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise InputError(
                f"{path}: the incident store stayed locked for {busy_timeout_s():g}s; {held_by(path)}",
                f"see who holds it: fuser -v {path}*  (or: lsof {path}*); a process stopped with "
                "Ctrl-Z keeps the lock until it is resumed (fg, or kill -CONT PID) or ends",
            ) from None
        if "readonly" in str(exc):
            raise InputError(
                f"{path}: the incident store cannot be written here ({exc})",
                "check the file's and its folder's permissions (ls -l) and flags (lsattr): "
                "the store needs to write the file, its -wal and its -shm",
            ) from None
        raise InputError(f"{path}: incident store error: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a readable incident store ({exc})") from None
