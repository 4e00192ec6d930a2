"""Incident-wide moves typed at a walk prompt: prefilled status updates, handovers, action items."""

from __future__ import annotations

from runbook_engine.timeline.board import checklist_text
from runbook_engine.timeline.events import EventType
from runbook_engine.walk import incident_moves
from tests.walk.conftest import World


def test_status_update_is_prefilled_from_the_state_and_rendered(world: World) -> None:
    world.service.hypothesis(world.incident_id, "a deploy leaks connections", world.alice)
    state = world.service.state(world.incident_id)
    defaults = incident_moves.update_defaults(state, world.policy, "payments fail")
    assert defaults == {
        "kind": "initial",
        "impact": "payments fail",
        "hypothesis": "a deploy leaks connections",
        "actions": "",
        "next": "15m",
    }
    values = {**defaults, "actions": "roll back (alice, 14:20); page platform"}
    event = incident_moves.status_update(state, world.alice, values, world.clock.now())
    assert event.type is EventType.STATUS_UPDATE
    assert event.payload["actions"] == [
        {"action": "roll back", "owner": "alice", "eta": "14:20 UTC"},
        {"action": "page platform", "owner": "unassigned"},
    ]
    text = str(event.payload["text"])
    assert "Impact: payments fail" in text and "Next update: 14:15 UTC" in text
    assert "roll back owned by alice, ETA 14:20 UTC" in text
    world.service.store.append(world.incident_id, event, world.clock.now(), lambda s, e: None)
    later = world.service.state(world.incident_id)
    assert incident_moves.update_defaults(later, world.policy, "")["kind"] == "update"


def test_handover_assigns_a_role_nobody_holds(world: World) -> None:
    state = world.service.state(world.incident_id)
    first = incident_moves.handover(state, world.alice, "comms", "carol", "")
    assert first.type is EventType.ROLE_ASSIGNED
    handed = incident_moves.handover(state, world.ic, "ic", "alice", "end of shift")
    assert handed.type is EventType.ROLE_HANDED_OVER and handed.payload["from"] == "bob"


def test_action_item_due_date_follows_the_bucket(world: World) -> None:
    assert incident_moves.due_date("1w", world.clock.now()) == "2026-01-08"
    assert incident_moves.check_date("2026-13-01") is not None
    assert incident_moves.check_duration("10m") is None
    assert incident_moves.check_duration("soon") is not None


def test_the_walk_drafts_with_the_cli_template(world: World) -> None:
    state = world.service.state(world.incident_id)
    values = {
        "kind": "initial",
        "impact": "5% of checkouts fail",
        "hypothesis": "pool too small",
        "actions": "raise the pool (alice, 14:40)",
        "next": "10m",
    }
    event = incident_moves.status_update(state, world.alice, values, world.clock.now(), policy=world.policy)
    text = str(event.payload["text"])
    assert "INCIDENT SEV-2" in text and "Impact: 5% of checkouts fail" in text
    assert "Risky changes pending: none" in text and "Stakeholders: support, status-page" in text


def test_the_first_screen_shows_the_first_ten_minutes(world: World) -> None:
    text = checklist_text(world.service.state(world.incident_id))
    assert text.startswith("First ten minutes: [x] the incident is declared  [x] severity is set")
    assert "[ ] the first status update is posted" in text
