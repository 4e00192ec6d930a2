"""The state is a pure fold over hand-built timelines: roles, walks, changes, updates, phases."""

from __future__ import annotations

from typing import Any

import pytest

from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Actor, EventType
from runbook_engine.timeline.state import IncidentState, fold
from runbook_engine.timeline.values import evolve
from tests.timeline.build import INCIDENT, SAMPLES, Spec, at, chain, opened
from tests.timeline.conftest import ALICE, BOB, CAROL, DAVE

E = EventType


def _fold(policy: Policy, *specs: Spec) -> IncidentState:
    return fold(chain([(0, ALICE, E.INCIDENT_OPENED, opened()), *specs]), policy)


def _with(kind: EventType, **changes: Any) -> dict[str, Any]:
    return {**SAMPLES[kind], **changes}


def test_opening_sets_the_basics(policy: Policy) -> None:
    state = _fold(policy)
    assert (state.incident_id, state.title, state.severity, state.phase) == (
        INCIDENT,
        "Checkout errors above 5%",
        "SEV-2",
        "open",
    )
    assert (state.ic, state.opened_at, state.started_at) == ("bob", at(0), at(-8))
    assert (state.events_count, state.last_seq, state.last_event_at) == (1, 1, at(0))


def test_roles_and_their_history(policy: Policy) -> None:
    state = _fold(
        policy,
        (1, BOB, E.ROLE_ASSIGNED, {"role": "comms", "person": "carol"}),
        (30, BOB, E.ROLE_HANDED_OVER, {"role": "ic", "from": "bob", "to": "dave", "reason": "shift"}),
    )
    assert state.roles == {"ic": "dave", "comms": "carol"}
    history = [(r.role, r.person, r.previous, r.by, r.reason) for r in state.role_history]
    assert history == [
        ("ic", "bob", None, "alice", ""),
        ("comms", "carol", None, "bob", ""),
        ("ic", "dave", "bob", "bob", "shift"),
    ]


def test_severity_history(policy: Policy) -> None:
    state = _fold(policy, (5, BOB, E.SEVERITY_CHANGED, SAMPLES[E.SEVERITY_CHANGED]))
    assert state.severity == "SEV-1"
    assert [(s.before, s.after, s.reason, s.by) for s in state.severity_history] == [
        ("SEV-2", "SEV-1", "all regions down", "bob")
    ]


def test_each_walker_has_a_position_and_path_per_runbook(policy: Policy) -> None:
    def enter(minutes: float, who: Actor, node: str, runbook: str = "redis") -> Spec:
        return (minutes, who, E.NODE_ENTERED, {"runbook": runbook, "node": node, "walker": who.name})

    def answer(minutes: float, who: Actor, node: str, reply: str) -> Spec:
        payload = {"runbook": "redis", "node": node, "answer": reply, "evidence": "graph", "walker": who.name}
        return (minutes, who, E.NODE_ANSWERED, payload)

    state = _fold(
        policy,
        enter(1, ALICE, "start"),
        answer(2, ALICE, "start", "yes"),
        enter(2, ALICE, "check-clients"),
        enter(3, CAROL, "start"),
        enter(4, CAROL, "overview", runbook="checkout"),
    )
    alice = state.walks[("alice", "redis")]
    assert alice.position == "check-clients"
    assert [(v.node, v.entered_at, v.answer, v.answered_at, v.evidence) for v in alice.path] == [
        ("start", at(1), "yes", at(2), "graph"),
        ("check-clients", at(2), None, None, None),
    ]
    assert state.walks[("carol", "redis")].position == "start"
    assert state.walks[("carol", "checkout")].position == "overview"
    assert state.visited_nodes("redis") == ("start", "check-clients")


def test_a_change_from_proposal_to_result_and_its_cleanup(policy: Policy) -> None:
    proposed: Spec = (5, DAVE, E.CHANGE_PROPOSED, SAMPLES[E.CHANGE_PROPOSED])
    requested: Spec = (6, DAVE, E.APPROVAL_REQUESTED, SAMPLES[E.APPROVAL_REQUESTED])
    assert [c.change_id for c in _fold(policy, proposed, requested).pending_approvals] == ["C1"]
    approved = [proposed, requested, (7, BOB, E.APPROVAL_GRANTED, SAMPLES[E.APPROVAL_GRANTED])]
    started = [*approved, (8, DAVE, E.CHANGE_STARTED, {"change_id": "C1"})]
    state = _fold(policy, *started)
    assert state.pending_approvals == ()
    assert state.change_in_flight is not None and state.change_in_flight.status == "in_flight"
    assert state.cleanup_owed == ("restore-maxclients",)
    result: Spec = (12, DAVE, E.CHANGE_RESULT, _with(E.CHANGE_RESULT, result="helped"))
    state = _fold(policy, *started, result)
    change = state.changes["C1"]
    assert (change.status, change.result, change.result_at, change.approved_by) == (
        "done",
        "helped",
        at(12),
        "bob",
    )
    assert state.change_in_flight is None and state.last_started_change == change
    cleaned: Spec = (
        20,
        DAVE,
        E.NODE_ANSWERED,
        {"runbook": "redis", "node": "restore-maxclients", "answer": "done", "walker": "dave"},
    )
    assert _fold(policy, *started, result, cleaned).cleanup_owed == ()


def test_a_denied_change(policy: Policy) -> None:
    state = _fold(
        policy,
        (5, DAVE, E.CHANGE_PROPOSED, SAMPLES[E.CHANGE_PROPOSED]),
        (6, BOB, E.APPROVAL_DENIED, SAMPLES[E.APPROVAL_DENIED]),
    )
    change = state.changes["C1"]
    assert (change.status, change.denied_by, change.denial_reason) == ("denied", "bob", "too broad")


def test_status_updates_are_due_on_the_cadence_or_sooner_if_promised(policy: Policy) -> None:
    assert _fold(policy).next_update_due_at == at(15)  # SEV-2: every 15 minutes
    promised: Spec = (10, CAROL, E.STATUS_UPDATE, _with(E.STATUS_UPDATE, next_update_at=at(20).isoformat()))
    state = _fold(policy, promised)
    assert (state.last_status_update_at, state.next_update_due_at) == (at(10), at(20))
    plain: Spec = (10, CAROL, E.STATUS_UPDATE, _with(E.STATUS_UPDATE, next_update_at=None))
    state = _fold(policy, plain)
    assert state.next_update_due_at == at(25)
    assert state.update_overdue_s(at(24)) is None
    assert state.update_overdue_s(at(31)) == 6 * 60
    raised: Spec = (11, BOB, E.SEVERITY_CHANGED, SAMPLES[E.SEVERITY_CHANGED])
    assert _fold(policy, plain, raised).next_update_due_at == at(20)  # SEV-1: every 10 minutes


def test_no_updates_are_owed_at_sev4_or_after_resolution(policy: Policy) -> None:
    sev4 = fold(chain([(0, ALICE, E.INCIDENT_OPENED, opened("SEV-4"))]), policy)
    assert sev4.next_update_due_at is None and sev4.update_overdue_s(at(600)) is None
    resolved = _fold(policy, (30, BOB, E.RESOLVED, SAMPLES[E.RESOLVED]))
    assert resolved.next_update_due_at is None


def test_phases_through_resolution_and_reopening(policy: Policy) -> None:
    specs: list[Spec] = [
        (20, BOB, E.MITIGATED, SAMPLES[E.MITIGATED]),
        (21, BOB, E.MONITORING_STARTED, {"window_s": 1200}),
        (45, BOB, E.RESOLVED, SAMPLES[E.RESOLVED]),
    ]
    state = _fold(policy, *specs)
    assert (state.phase, state.mitigated_at, state.monitoring_started_at, state.resolved_at) == (
        "resolved",
        at(20),
        at(21),
        at(45),
    )
    assert (state.monitoring_window_s, state.resolution_summary) == (1200, "maxclients raised")
    state = _fold(policy, *specs, (50, BOB, E.REOPENED, SAMPLES[E.REOPENED]))
    assert (state.phase, state.mitigated_at, state.resolved_at, state.reopened_count) == (
        "open",
        None,
        None,
        1,
    )
    assert state.next_update_due_at == at(50 + 15)  # a cadence from the reopening


def test_a_worse_result_after_mitigation_is_remembered(policy: Policy) -> None:
    state = _fold(
        policy,
        (20, BOB, E.MITIGATED, SAMPLES[E.MITIGATED]),
        (21, DAVE, E.CHANGE_PROPOSED, _with(E.CHANGE_PROPOSED, risky=False)),
        (22, DAVE, E.CHANGE_STARTED, {"change_id": "C1"}),
        (25, DAVE, E.CHANGE_RESULT, _with(E.CHANGE_RESULT, result="worse")),
    )
    assert [c.change_id for c in state.worse_since_mitigation] == ["C1"]


def test_hypotheses_action_items_and_overrides(policy: Policy) -> None:
    state = _fold(
        policy,
        (1, ALICE, E.HYPOTHESIS_STATED, SAMPLES[E.HYPOTHESIS_STATED]),
        (2, ALICE, E.HYPOTHESIS_STATED, {"id": "H2", "text": "bad deploy"}),
        (3, ALICE, E.HYPOTHESIS_DROPPED, SAMPLES[E.HYPOTHESIS_DROPPED]),
        (4, BOB, E.ACTION_ITEM, SAMPLES[E.ACTION_ITEM]),
        (5, BOB, E.OVERRIDE, SAMPLES[E.OVERRIDE]),
    )
    assert [h.id for h in state.active_hypotheses] == ["H2"]
    assert state.hypotheses["H1"].drop_reason == "connections at 40%"
    assert [(a.owner, a.bucket, a.due) for a in state.action_items] == [("dave", "1w", "2026-03-11")]
    assert [(o.rule, o.by) for o in state.overrides] == [("observation_window", "bob")]


def test_folding_is_pure_and_can_resume_from_a_state(policy: Policy) -> None:
    events = chain(
        [(0, ALICE, E.INCIDENT_OPENED, opened())]
        + [(n, BOB, kind, SAMPLES[kind]) for n, kind in enumerate(_ORDERED, start=1)]
    )
    whole = fold(events, policy)
    assert whole == fold(events, policy)
    for cut in range(len(events)):
        assert fold(events[cut:], policy, fold(events[:cut], policy)) == whole
    assert whole.events_count == len(events) and whole.last_hash == events[-1].hash


def test_same_account_approval_is_flagged_but_a_different_account_is_not(policy: Policy) -> None:
    def approve(actor: Actor) -> IncidentState:
        return _fold(
            policy,
            (5, DAVE, E.CHANGE_PROPOSED, SAMPLES[E.CHANGE_PROPOSED]),
            (6, actor, E.APPROVAL_GRANTED, SAMPLES[E.APPROVAL_GRANTED]),
        )

    assert approve(BOB).audit_flags == ()
    flagged = approve(Actor("bob", DAVE.account, "another-host"))
    assert flagged.changes["C1"].same_account_approval
    assert "C1" in flagged.audit_flags[0].detail


_ORDERED = [
    E.ROLE_ASSIGNED,
    E.HYPOTHESIS_STATED,
    E.NODE_ENTERED,
    E.NODE_ANSWERED,
    E.CHANGE_PROPOSED,
    E.APPROVAL_REQUESTED,
    E.APPROVAL_GRANTED,
    E.CHANGE_STARTED,
    E.COMMAND_RUN,
    E.CHANGE_RESULT,
    E.STATUS_UPDATE,
    E.MITIGATED,
    E.MONITORING_STARTED,
    E.RESOLVED,
    E.ACTION_ITEM,
]


def test_evolve_refuses_a_field_the_state_does_not_have(policy: Policy) -> None:
    with pytest.raises(TypeError, match="no field 'phse'"):
        evolve(_fold(policy), phse="open")
