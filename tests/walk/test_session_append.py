"""A move's events land in one transaction, and the session's state is the stored one after it."""

from __future__ import annotations

import pytest

from runbook_engine.errors import Refused
from runbook_engine.timeline.events import EventType, NewEvent
from tests.walk.conftest import World


def test_an_answer_lands_at_once_and_the_session_holds_the_stored_state(world: World) -> None:
    session = world.session()
    session.begin()
    before = session.state.last_seq
    choice = session.view().choices[0]
    landed = session.append(session.walker.answer(session.state, choice.label))
    assert [e.seq for e in landed] == list(range(before + 1, before + 1 + len(landed)))
    assert [e.type for e in landed][-2:] == [EventType.NODE_ANSWERED, EventType.NODE_ENTERED]
    with world.other_terminal().store as other:
        assert session.state == other.state(world.incident_id)
    assert session.walker.position(session.state) == choice.target


def test_a_move_with_a_refused_event_writes_none_of_it(world: World) -> None:
    session = world.session()
    session.begin()
    before = session.state
    unknown_change = NewEvent(EventType.CHANGE_STARTED, world.alice, {"change_id": "C9"})
    with pytest.raises(Refused):
        session.append([session.walker.note("written first"), unknown_change])
    assert session.state == before
    texts = [e.payload.get("text") for e in world.service.events(world.incident_id)]
    assert "written first" not in texts


def test_what_another_terminal_appended_first_is_folded_in_too(world: World) -> None:
    session = world.session()
    session.begin()
    other = world.other_terminal()
    try:
        other.note(world.incident_id, "from the other terminal", world.ic)
    finally:
        other.store.close()
    session.append([session.walker.note("mine")])
    texts = [e.payload.get("text") for e in world.service.events(world.incident_id)]
    assert texts[-2:] == ["from the other terminal", "mine"]
    assert session.state.events_count == len(texts)
    with world.other_terminal().store as fresh:
        assert session.state == fresh.state(world.incident_id)
