"""What only the SQLite store does: WAL and full sync, unreadable files, another program's database.

What every store does is in test_store_contract.py."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from runbook_engine.errors import InputError
from runbook_engine.policy import Policy
from runbook_engine.resources import default_store_path
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.timeline.conftest import BOB


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "incidents.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(InputError, match="not a readable incident store"):
        SqliteStore(path, policy)


def test_another_programs_database_is_not_touched(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(InputError, match="another program"):
        SqliteStore(path, policy)


def test_store_uses_wal_and_full_sync(store: SqliteStore, store_path: Path) -> None:
    assert store_path.exists()
    with sqlite3.connect(store_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = ("synchronous", "busy_timeout")
    pragmas = {name: store._db.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
    assert pragmas == {"synchronous": 2, "busy_timeout": 30_000}  # 2 is FULL


def test_default_path_honours_the_environment() -> None:
    assert default_store_path({}) == Path(".runbook/incidents.db")
    assert default_store_path({"RUNBOOK_STORE": "/tmp/x.db"}) == Path("/tmp/x.db")


def _now(store: SqliteStore, incident: str) -> datetime:
    last = store.state(incident).last_event_at
    assert last is not None
    return last


def test_a_directory_is_not_a_store(tmp_path: Path, policy: Policy) -> None:
    with pytest.raises(InputError, match=r"cannot open|not a readable"):
        SqliteStore(tmp_path, policy)


def test_a_truncated_store_is_an_input_error(
    svc: IncidentService, incident: str, store: SqliteStore, store_path: Path, policy: Policy
) -> None:
    for number in range(200):
        svc.note(incident, f"padding the file {number} " * 20, BOB)
    store.close()
    with sqlite3.connect(store_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = store_path.with_name("damaged.db")
    damaged.write_bytes(store_path.read_bytes()[: 3 * 4096 + 100])
    with pytest.raises(InputError, match="incident store"), SqliteStore(damaged, policy) as broken:
        broken.events(incident)


