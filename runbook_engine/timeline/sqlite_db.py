"""The SQLite file under the store: opening it safely, its tables, and errors a person can act on."""

from __future__ import annotations

import os
import sqlite3
import stat
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
"""Where versions before snapshot_cache.py kept folded states; no longer read or written (anyone
who may write the store could have put a state here), created still so the schema stays one."""

_STORE_LOG = """CREATE TABLE IF NOT EXISTS store_log (
    at TEXT NOT NULL,
    what TEXT NOT NULL
)"""
"""What the store repaired by itself (e.g. append-only triggers found dropped); `verify` shows it."""

TRIGGERS = ("events_are_never_updated", "events_are_never_deleted", "incidents_are_never_deleted")

SCHEMA_VERSION = 4
"""`PRAGMA user_version` of a current store. 0/1: tables only; 2: with the triggers; 3: snapshots;
4: the store log."""


FOLDER_MODE = 0o2770
"""A folder `runbook` creates for a store: owner and group only, setgid so files keep its group."""
FILE_MODE = 0o660
"""The store file (SQLite copies it to the WAL's `-wal` and `-shm` side files): group-writable,
so every on-call account in the folder's group can append (docs/incident.md, shared store)."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating parents and tables) or refuse with InputError when it is not our store."""
    try:
        _create_shared(path)
        _check_writable(path)
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


def _create_shared(path: Path) -> None:
    """Missing folders get FOLDER_MODE and a missing store FILE_MODE, whatever the umask."""
    missing = [parent for parent in (path.parent, *path.parent.parents) if not store_exists(parent)]
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        folder.chmod(FOLDER_MODE)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)  # the umask must not take the group's write bit away
    finally:
        os.close(fd)


def _check_writable(path: Path) -> None:
    """Every use of a WAL store writes (its `-shm`, and the folder for the side files): an account
    the modes shut out is told how to fix them. (Flags such as `chattr +i` are SQLite's to report.)"""
    blocked = [p for p in (path.parent, path, *_side_files(path)) if p.exists() and not _mode_lets_write(p)]
    if blocked:
        raise not_writable(path, blocked[0])


def _mode_lets_write(path: Path) -> bool:
    """Whether the owner, group and other bits let this process write `path` (root always may)."""
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return True
    info = path.stat()
    if info.st_uid == os.geteuid():
        return bool(info.st_mode & stat.S_IWUSR)
    if info.st_gid in {os.getegid(), *os.getgroups()}:
        return bool(info.st_mode & stat.S_IWGRP)
    return bool(info.st_mode & stat.S_IWOTH)


def not_writable(path: Path, where: Path) -> InputError:
    """The refusal for an account that cannot write the store at `path` (`where` is in the way)."""
    try:
        info = where.stat()
        import grp

        mode = f"mode {stat.filemode(info.st_mode)}, group {grp.getgrgid(info.st_gid).gr_name}"
    except (OSError, ImportError, KeyError):
        mode = "not reachable"
    return InputError(
        f"{where}: this account cannot write the incident store ({mode})",
        f"the store's folder, file and side files must be group-writable by every on-call account: "
        f"chgrp -R GROUP {path.parent}; chmod 2770 {path.parent}; chmod 660 {path}*; "
        "add the account to GROUP (docs/incident.md, 'A store shared by several accounts')",
    )


def store_exists(path: Path) -> bool:
    """Whether the store file exists; a folder this account may not enter is the refusal above."""
    try:
        return path.exists()
    except PermissionError:
        raise not_writable(path, path.parent) from None


def _side_files(path: Path) -> tuple[Path, ...]:
    return (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


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
