"""The SQLite store: ids, append and read back, durability of the chain, unreadable files."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest

from runbook_engine.errors import InputError, Refused, UsageError
from runbook_engine.policy import Policy
from runbook_engine.resources import default_store_path
from runbook_engine.timeline.events import GENESIS_HASH, EventType, NewEvent
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import IncidentState
from runbook_engine.timeline.store import SqliteStore
from tests.timeline.conftest import ALICE, BOB


def test_incident_ids_count_per_day(svc: IncidentService) -> None:
    first = svc.open("a", "SEV-3", "bob", ALICE).incident_id
    second = svc.open("b", "SEV-3", "bob", ALICE).incident_id
    assert (first, second) == ("INC-20260101-0001", "INC-20260101-0002")


def test_append_chains_and_reads_back(svc: IncidentService, incident: str) -> None:
    svc.note(incident, "checkout p99 at 4s", BOB)
    svc.note(incident, "second", BOB)
    events = svc.events(incident)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert [e.seq for e in svc.events(incident, after_seq=2)] == [3]


def test_a_second_store_on_the_same_file_sees_appends(
    svc: IncidentService, incident: str, store_path: Path, policy: Policy
) -> None:
    with SqliteStore(store_path, policy) as other:
        assert other.state(incident).events_count == 1
        svc.note(incident, "from the first store", BOB)
        assert other.state(incident).events_count == 2
        assert other.verify(incident).ok


def test_refusal_inserts_nothing(store: SqliteStore, incident: str) -> None:
    def refuse(state: IncidentState, event: NewEvent) -> Refusal:
        return Refusal("test", "no", "never")

    with pytest.raises(Refused, match="no"):
        store.append(incident, NewEvent(EventType.NOTE, BOB, {"text": "x"}), _now(store, incident), refuse)
    assert len(store.events(incident)) == 1


def test_invalid_payload_is_a_usage_error(store: SqliteStore, incident: str) -> None:
    bad = NewEvent(EventType.NOTE, BOB, {"txt": "typo"})
    with pytest.raises(UsageError, match="note"):
        store.append(incident, bad, _now(store, incident), lambda s, e: None)


def test_unknown_incident_is_an_input_error(store: SqliteStore) -> None:
    with pytest.raises(InputError, match="no incident INC-20990101-0001"):
        store.events("INC-20990101-0001")


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


def test_one_store_shared_by_threads(svc: IncidentService, incident: str) -> None:
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for number in range(100):
                svc.note(incident, f"{name} {number}", BOB)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert svc.state(incident).events_count == 301
    assert svc.store.verify(incident).ok
