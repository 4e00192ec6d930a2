"""Tampering with the stored events by raw SQL is refused, and when forced, detected at the first bad seq."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from runbook_engine.errors import InputError
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Actor, EventType, canonical_json, event_hash, parse_utc
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.timeline.conftest import ALICE, BOB

EVENTS = 6
Tamper = Callable[[sqlite3.Connection, str], None]


@pytest.fixture
def six(svc: IncidentService) -> str:
    """An incident of six events: opened, then five notes."""
    incident = svc.open("tamper", "SEV-3", "bob", ALICE).incident_id
    for number in range(2, EVENTS + 1):
        svc.note(incident, f"note at seq {number}", BOB)
    return incident


def _edit_payload(db: sqlite3.Connection, incident: str) -> None:
    db.execute("UPDATE events SET payload = ? WHERE seq = 3", (canonical_json({"text": "forged"}),))


def _edit_actor(db: sqlite3.Connection, incident: str) -> None:
    forged = canonical_json(Actor("mallory", "bob-os", "laptop-b").to_dict())
    db.execute("UPDATE events SET actor = ? WHERE seq = 4", (forged,))


def _edit_time(db: sqlite3.Connection, incident: str) -> None:
    db.execute("UPDATE events SET at = '2026-01-01T13:00:00.000000+00:00' WHERE seq = 2")


def _delete_middle(db: sqlite3.Connection, incident: str) -> None:
    db.execute("DELETE FROM events WHERE seq = 3")


def _delete_last(db: sqlite3.Connection, incident: str) -> None:
    db.execute("DELETE FROM events WHERE seq = ?", (EVENTS,))


def _swap_3_and_4(db: sqlite3.Connection, incident: str) -> None:
    db.execute("UPDATE events SET seq = -1 WHERE seq = 3")
    db.execute("UPDATE events SET seq = 3 WHERE seq = 4")
    db.execute("UPDATE events SET seq = 4 WHERE seq = -1")


def _insert_naive(db: sqlite3.Connection, incident: str) -> None:
    _make_room_at(db, 3)
    db.execute(
        "INSERT INTO events SELECT incident_id, 3, type, at, actor, ?, prev_hash, hash"
        " FROM events WHERE seq = 2",
        (canonical_json({"text": "inserted"}),),
    )


def _insert_chained(db: sqlite3.Connection, incident: str) -> None:
    """A forger who computes a correct hash for the inserted event still breaks the next link."""
    _make_room_at(db, 3)
    _insert_forged(db, incident, 3)


def _append_forged_tail(db: sqlite3.Connection, incident: str) -> None:
    _insert_forged(db, incident, EVENTS + 1)


def _corrupt_json(db: sqlite3.Connection, incident: str) -> None:
    db.execute("UPDATE events SET payload = '{not json' WHERE seq = 5")


def _make_room_at(db: sqlite3.Connection, seq: int) -> None:
    db.execute("UPDATE events SET seq = seq + 1000 WHERE seq >= ?", (seq,))
    db.execute("UPDATE events SET seq = seq - 999 WHERE seq >= 1000")


def _insert_forged(db: sqlite3.Connection, incident: str, seq: int) -> None:
    (prev_hash, at) = db.execute("SELECT hash, at FROM events WHERE seq = ?", (seq - 1,)).fetchone()
    actor, payload = Actor("bob", "bob-os", "laptop-b"), {"text": "forged but chained"}
    digest = event_hash(prev_hash, incident, seq, EventType.NOTE, parse_utc(at), actor, payload)
    db.execute(
        "INSERT INTO events VALUES (?, ?, 'note', ?, ?, ?, ?, ?)",
        (incident, seq, at, canonical_json(actor.to_dict()), canonical_json(payload), prev_hash, digest),
    )


def _drop_guards(db: sqlite3.Connection) -> None:
    """What a deliberate forger does first: remove the store's append-only triggers."""
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    assert names, "the store should have append-only triggers"
    for name in names:
        db.execute(f"DROP TRIGGER {name}")


CASES: list[tuple[Tamper, int, str]] = [
    (_edit_payload, 3, "altered"),
    (_edit_actor, 4, "altered"),
    (_edit_time, 2, "altered"),
    (_delete_middle, 3, "missing"),
    (_delete_last, EVENTS, "removed from the end"),
    (_swap_3_and_4, 3, "link"),
    (_insert_naive, 3, "link"),
    (_insert_chained, 4, "does not link"),
    (_append_forged_tail, EVENTS + 1, "added outside the store"),
    (_corrupt_json, 5, "cannot be read"),
]


@pytest.mark.parametrize(("tamper", "first_bad", "why"), CASES, ids=[c[0].__name__[1:] for c in CASES])
def test_tampering_is_detected_at_the_first_bad_seq(
    six: str, store_path: Path, policy: Policy, tamper: Tamper, first_bad: int, why: str
) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        tamper(db, six)
    with SqliteStore(store_path, policy) as store:
        report = store.verify(six)
    assert (report.ok, report.first_bad_seq) == (False, first_bad), report.reason
    assert why in report.reason


def test_an_untouched_chain_verifies(six: str, store: SqliteStore) -> None:
    report = store.verify(six)
    assert (report.ok, report.first_bad_seq, report.events_checked) == (True, None, EVENTS)


def test_tampering_one_incident_leaves_the_others_verifiable(
    six: str, svc: IncidentService, store_path: Path, policy: Policy
) -> None:
    other = svc.open("other", "SEV-4", "bob", ALICE).incident_id
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        _edit_payload(db, six)
    with SqliteStore(store_path, policy) as store:
        assert store.verify(other).ok
        assert not store.verify(six).ok


def test_an_unreadable_row_is_an_input_error_not_a_traceback(
    six: str, store_path: Path, policy: Policy
) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        _corrupt_json(db, six)
    with SqliteStore(store_path, policy) as store:
        with pytest.raises(InputError, match=r"damaged: seq 5"):
            store.state(six)
        (summary,) = store.incidents()
    assert summary.phase == "unreadable"


REWRITES = [_edit_payload, _delete_middle, _delete_last, _swap_3_and_4]


@pytest.mark.parametrize("tamper", REWRITES, ids=[t.__name__[1:] for t in REWRITES])
def test_the_store_refuses_to_rewrite_events(six: str, store_path: Path, policy: Policy,
                                             tamper: Tamper) -> None:
    with sqlite3.connect(store_path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        tamper(db, six)
    with SqliteStore(store_path, policy) as store:
        assert store.verify(six).ok


def test_incidents_cannot_be_deleted(six: str, store_path: Path) -> None:
    with sqlite3.connect(store_path) as db, pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM incidents")


def test_a_store_made_before_the_guards_gets_them_when_opened(
    six: str, store_path: Path, policy: Policy
) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        db.execute("PRAGMA user_version = 0")
    with SqliteStore(store_path, policy) as store:
        assert store.verify(six).ok
    with sqlite3.connect(store_path) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _edit_payload(db, six)


def _reformat_payload(db: sqlite3.Connection, incident: str) -> None:
    """Same value, other spelling: not canonical text, but the hash covers the value."""
    db.execute("UPDATE events SET payload = '{ \"text\" : \"note at seq 3\" }' WHERE seq = 3")


def _hash_the_stored_text(db: sqlite3.Connection, incident: str) -> None:
    """A forger who hashes the row's own (non-canonical) text rather than the canonical body."""
    prev_hash, at, actor = db.execute("SELECT prev_hash, at, actor FROM events WHERE seq = 3").fetchone()
    payload = '{"text": "forged"}'
    body = (f'{{"actor":{actor},"at":"{at}","incident_id":"{incident}","payload":{payload},'
            f'"prev_hash":"{prev_hash}","seq":3,"type":"note"}}')
    digest = hashlib.sha256(body.encode()).hexdigest()
    db.execute("UPDATE events SET payload = ?, hash = ? WHERE seq = 3", (payload, digest))


def test_a_reformatted_but_equal_row_still_verifies(six: str, store_path: Path, policy: Policy) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        _reformat_payload(db, six)
    with SqliteStore(store_path, policy) as store:
        assert store.verify(six).ok


def test_a_hash_over_non_canonical_text_is_an_alteration(six: str, store_path: Path, policy: Policy) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        _hash_the_stored_text(db, six)
    with SqliteStore(store_path, policy) as store:
        report = store.verify(six)
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "altered" in report.reason


def test_verified_events_are_the_stored_events(six: str, store: SqliteStore) -> None:
    report, events = store.verified_events(six)
    assert report.ok and events == store.events(six)


def test_verified_events_stop_before_the_break(six: str, store_path: Path, policy: Policy) -> None:
    with sqlite3.connect(store_path) as db:
        _drop_guards(db)
        _edit_payload(db, six)
    with SqliteStore(store_path, policy) as store:
        report, events = store.verified_events(six)
    assert report.first_bad_seq == 3 and [e.seq for e in events] == [1, 2]
