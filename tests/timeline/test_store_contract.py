"""The Store contract: every test here runs against SqliteStore and PostgresStore alike."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from runbook_engine.errors import InputError, Refused, UsageError
from runbook_engine.policy import Policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import GENESIS_HASH, EventType, NewEvent
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.snapshot import EVERY
from runbook_engine.timeline.state import IncidentState
from runbook_engine.timeline.store import Store
from tests.timeline.conftest import ALICE, BOB


@pytest.fixture
def service(any_store: Store, policy: Policy, clock: FakeClock) -> IncidentService:
    return IncidentService(any_store, policy, clock)


@pytest.fixture
def opened(service: IncidentService) -> str:
    return service.open("Checkout errors above 5%", "SEV-2", "bob", ALICE, service="checkout").incident_id


def test_incident_ids_count_per_day(service: IncidentService) -> None:
    first = service.open("a", "SEV-3", "bob", ALICE).incident_id
    second = service.open("b", "SEV-3", "bob", ALICE).incident_id
    demo = service.open("c", "SEV-3", "bob", ALICE, demo=True).incident_id
    assert (first, second, demo) == ("INC-20260101-0001", "INC-20260101-0002", "DEMO-20260101-0003")
    assert [summary.incident_id for summary in service.incidents()] == [first, second, demo]


def test_append_chains_and_reads_back(service: IncidentService, opened: str) -> None:
    service.note(opened, "checkout p99 at 4s", BOB)
    service.note(opened, "second", BOB)
    events = service.events(opened)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert [e.seq for e in service.events(opened, after_seq=2)] == [3]
    assert service.store.verify(opened).ok


def test_a_second_store_on_the_same_location_sees_appends(
    service: IncidentService, opened: str, location: str, policy: Policy
) -> None:
    with open_store(location, policy) as other:
        assert other.state(opened).events_count == 1
        service.note(opened, "from the first store", BOB)
        assert other.state(opened).events_count == 2
        assert other.verify(opened).ok
        assert [e.hash for e in other.events(opened)] == [e.hash for e in service.events(opened)]


def test_refusal_inserts_nothing(any_store: Store, opened: str) -> None:
    def refuse(state: IncidentState, event: NewEvent) -> Refusal:
        return Refusal("test", "no", "never")

    with pytest.raises(Refused, match="no"):
        any_store.append(opened, _note("x"), _now(any_store, opened), refuse)
    assert len(any_store.events(opened)) == 1


def test_the_check_sees_the_state_the_event_lands_on(any_store: Store, opened: str) -> None:
    seen: list[int] = []

    def note_seq(state: IncidentState, event: NewEvent) -> None:
        seen.append(state.last_seq)

    for text in ("one", "two"):
        any_store.append(opened, _note(text), _now(any_store, opened), note_seq)
    assert seen == [1, 2]


def test_invalid_payload_is_a_usage_error(any_store: Store, opened: str) -> None:
    bad = NewEvent(EventType.NOTE, BOB, {"txt": "typo"})
    with pytest.raises(UsageError, match="note"):
        any_store.append(opened, bad, _now(any_store, opened), lambda s, e: None)


def test_unknown_incident_is_an_input_error(any_store: Store) -> None:
    with pytest.raises(InputError, match="no incident INC-20990101-0001"):
        any_store.events("INC-20990101-0001")
    with pytest.raises(InputError, match="no incident INC-20990101-0001"):
        any_store.state("INC-20990101-0001")


def test_one_store_shared_by_threads(service: IncidentService, opened: str) -> None:
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for number in range(60):
                service.note(opened, f"{name} {number}", BOB)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert service.state(opened).events_count == 181
    assert service.store.verify(opened).ok


def test_the_doorbell_wakes_a_reader_for_appends(service: IncidentService, opened: str) -> None:
    bell = service.store.doorbell()
    try:
        bell.wait(0.5)  # the first wait may ring at once: it starts listening
        service.note(opened, "ring", BOB)
        assert bell.wait(5.0)
        assert [e.payload.get("text") for e in service.events(opened, after_seq=1)] == ["ring"]
    finally:
        bell.close()


def _now(store: Store, incident: str) -> datetime:
    last = store.state(incident).last_event_at
    assert last is not None
    return last


def _note(text: str) -> NewEvent:
    return NewEvent(EventType.NOTE, BOB, {"text": text})


def test_a_batch_lands_in_order_on_one_chain(
    any_store: Store, opened: str, location: str, policy: Policy
) -> None:
    seen: list[int] = []

    def note_seq(state: IncidentState, event: NewEvent) -> None:
        seen.append(state.last_seq)

    batch = [_note("a"), _note("b"), _note("c")]
    landed = any_store.append_many(opened, batch, _now(any_store, opened), note_seq)
    assert [e.seq for e in landed] == [2, 3, 4] and seen == [1, 2, 3]
    assert [e.prev_hash for e in landed[1:]] == [e.hash for e in landed[:-1]]
    assert any_store.verify(opened).ok
    with open_store(location, policy) as other:
        assert [e.hash for e in other.events(opened)][1:] == [e.hash for e in landed]
        assert other.state(opened).last_hash == landed[-1].hash


def test_a_builder_in_a_batch_sees_the_events_before_it(any_store: Store, opened: str) -> None:
    def numbered(state: IncidentState) -> NewEvent:
        return _note(f"after {state.last_seq}")

    at = _now(any_store, opened)
    landed = any_store.append_many(opened, [_note("first"), numbered], at, lambda s, e: None)
    assert [e.payload["text"] for e in landed] == ["first", "after 2"]


def test_a_refused_event_in_a_batch_writes_none_of_it(
    any_store: Store, opened: str, location: str, policy: Policy
) -> None:
    def refuse_the_second(state: IncidentState, event: NewEvent) -> Refusal | None:
        return Refusal("test", "not the second", "never") if event.payload["text"] == "second" else None

    at = _now(any_store, opened)
    with pytest.raises(Refused, match="not the second"):
        any_store.append_many(opened, [_note("first"), _note("second"), _note("3rd")], at, refuse_the_second)
    assert len(any_store.events(opened)) == 1 and any_store.state(opened).last_seq == 1
    with open_store(location, policy) as other:
        assert other.state(opened).events_count == 1 and other.verify(opened).ok
    assert any_store.append(opened, _note("later"), at, lambda s, e: None).seq == 2
    assert any_store.verify(opened).ok


def test_a_refused_batch_past_a_snapshot_leaves_no_snapshot_behind(
    any_store: Store, opened: str, location: str, policy: Policy
) -> None:
    """The batch crosses the snapshot interval, then is refused: the snapshot is rolled back
    with it, and a fresh store folds exactly the events that are there."""
    at = _now(any_store, opened)
    batch = [_note(str(n)) for n in range(EVERY + 5)] + [_note("refused")]

    def refuse_last(state: IncidentState, event: NewEvent) -> Refusal | None:
        return Refusal("test", "refused", "never") if event.payload["text"] == "refused" else None

    with pytest.raises(Refused):
        any_store.append_many(opened, batch, at, refuse_last)
    any_store.append_many(opened, [_note(str(n)) for n in range(EVERY + 1)], at, lambda s, e: None)
    with open_store(location, policy) as other:
        state = other.state(opened)
        assert (state.events_count, state.last_seq) == (EVERY + 2, EVERY + 2)
        assert other.verify(opened).ok


def test_a_batch_with_an_invalid_payload_writes_nothing(any_store: Store, opened: str) -> None:
    bad = NewEvent(EventType.NOTE, BOB, {"txt": "typo"})
    with pytest.raises(UsageError, match="note"):
        any_store.append_many(opened, [_note("fine"), bad], _now(any_store, opened), lambda s, e: None)
    assert len(any_store.events(opened)) == 1


def test_an_empty_batch_appends_nothing(any_store: Store, opened: str) -> None:
    assert any_store.append_many(opened, [], _now(any_store, opened), lambda s, e: None) == []
    assert any_store.state(opened).last_seq == 1
