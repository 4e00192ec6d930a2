"""Every incident command rule refuses with its own name, a reason and a hint, and lets the
right action through: each case sets the scene through the service, the last call is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from runbook_engine.policy import Policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent
from runbook_engine.timeline.refusal import USAGE_RULES, RuleRefused
from runbook_engine.timeline.rules import check, monitoring_ends_at, observation_ends_at
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import fold
from tests.timeline.build import at, chain, opened
from tests.timeline.conftest import ALICE, BOB, CAROL, DAVE

Scene = Callable[[IncidentService, str, FakeClock], object]


def _h1(svc: IncidentService, inc: str) -> None:
    if "H1" not in svc.state(inc).hypotheses:
        svc.hypothesis(inc, "the primary is overloaded", ALICE, "H1")


def _risky(
    svc: IncidentService, inc: str, cid: str = "C1", owner: Actor = DAVE, by: Actor | None = None
) -> Event:
    _h1(svc, inc)
    return svc.propose_change(
        inc,
        "fail over the primary",
        owner.name,
        by or owner,
        hypothesis="H1",
        rollback="fail back",
        risky=True,
        change_id=cid,
    )


def _started(svc: IncidentService, inc: str, cid: str = "C1") -> Event:
    svc.propose_change(inc, f"restart {cid}", "dave", DAVE, change_id=cid)
    svc.classify(inc, cid, "safe", "a restart of one pod", BOB)
    return svc.start_change(inc, cid, DAVE)


def _done(svc: IncidentService, inc: str, clock: FakeClock, result: str = "helped") -> Event:
    _started(svc, inc)
    clock.advance(60)
    return svc.record_result(inc, "C1", result, "error rate changed", DAVE)


def _mitigated(svc: IncidentService, inc: str, clock: FakeClock) -> Event:
    _done(svc, inc, clock)
    return svc.mitigate(inc, "errors at baseline", BOB)


def _resolved(svc: IncidentService, inc: str, clock: FakeClock) -> Event:
    _mitigated(svc, inc, clock)
    clock.advance(3600)
    return svc.resolve(inc, "fixed", BOB)


def _walking(svc: IncidentService, inc: str) -> Event:
    return svc.enter_node(inc, "redis", "check-clients", ALICE)


CASES: dict[str, tuple[str, Scene]] = {
    "risky change without hypothesis": (
        "risky_needs_hypothesis",
        lambda s, i, c: s.propose_change(i, "failover", "dave", DAVE, rollback="back", risky=True),
    ),
    "risky change without rollback": (
        "risky_needs_rollback",
        lambda s, i, c: s.propose_change(i, "failover", "dave", DAVE, hypothesis="H1", risky=True),
    ),
    "duplicate change id": (
        "duplicate_id",
        lambda s, i, c: (_risky(s, i), _risky(s, i)),
    ),
    "start an unapproved risky change": (
        "needs_approval",
        lambda s, i, c: (_risky(s, i), s.start_change(i, "C1", DAVE)),
    ),
    "owner approves own change": (
        "four_eyes",
        lambda s, i, c: (_risky(s, i), s.approve(i, "C1", DAVE)),
    ),
    "owner logs an approval in the IC's name": (
        "decide_as_yourself",
        lambda s, i, c: (_risky(s, i), s.approve(i, "C1", DAVE, by="bob")),
    ),
    "IC approves a change she proposed": (
        "four_eyes",
        lambda s, i, c: (_risky(s, i, by=BOB), s.approve(i, "C1", BOB)),
    ),
    "IC owns a risky change": ("ic_does_not_act", lambda s, i, c: _risky(s, i, owner=BOB)),
    "IC starts a risky change": (
        "ic_does_not_act",
        lambda s, i, c: (
            _risky(s, i, owner=CAROL),
            s.assign(i, "ops", "alice", BOB),
            s.approve(i, "C1", BOB),
            s.handover(i, "ic", "carol", "end of shift", BOB),
            s.start_change(i, "C1", CAROL),
        ),
    ),
    "a bystander starts someone else's change": (
        "authority_start",
        lambda s, i, c: (_risky(s, i), s.approve(i, "C1", BOB), s.start_change(i, "C1", CAROL)),
    ),
    "a bystander records someone else's result": (
        "authority_result",
        lambda s, i, c: (_started(s, i), s.record_result(i, "C1", "helped", "better", CAROL)),
    ),
    "ad-hoc change started unclassified": (
        "needs_approval",
        lambda s, i, c: (s.propose_change(i, "deploy v2", "dave", DAVE), s.start_change(i, "C1", DAVE)),
    ),
    "punctuation as a hypothesis": (
        "hypothesis_required",
        lambda s, i, c: s.propose_change(i, "x", "dave", DAVE, hypothesis=".", rollback="y", risky=True),
    ),
    "a bystander classifies a change safe": (
        "authority_classify",
        lambda s, i, c: (
            s.propose_change(i, "deploy", "dave", DAVE),
            s.classify(i, "C1", "safe", "x", CAROL),
        ),
    ),
    "a bystander changes the severity": (
        "authority_severity",
        lambda s, i, c: s.set_severity(i, "SEV-3", "quiet night", CAROL),
    ),
    "a bystander takes command by handover": (
        "authority_handover",
        lambda s, i, c: s.handover(i, "ic", "carol", "i am in charge", CAROL),
    ),
    "a bystander assigns a role": ("authority_assign", lambda s, i, c: s.assign(i, "owner", "carol", CAROL)),
    "a look-alike handle": ("lookalike_handle", lambda s, i, c: s.assign(i, "ops", "b\u043eb", BOB)),
    "a claimant confirms their own claim": (
        "second_responder",
        lambda s, i, c: (s.take_command(i, "bob silent 10 min", CAROL), s.confirm_command(i, "carol", CAROL)),
    ),
    "someone other than the approver role approves": (
        "not_approver",
        lambda s, i, c: (_risky(s, i), s.approve(i, "C1", CAROL)),
    ),
    "SEV-3 approver role vacant": (
        "approver_missing",
        lambda s, i, c: (
            s.set_severity(i, "SEV-3", "only exports", BOB),
            _risky(s, i),
            s.approve(i, "C1", BOB),
        ),
    ),
    "deny without reason": (
        "reason_required",
        lambda s, i, c: (_risky(s, i), s.deny(i, "C1", " ", BOB)),
    ),
    "approve an unknown change": ("unknown_change", lambda s, i, c: s.approve(i, "C9", BOB)),
    "approve a denied change": (
        "already_decided",
        lambda s, i, c: (_risky(s, i), s.deny(i, "C1", "too broad", BOB), s.approve(i, "C1", BOB)),
    ),
    "start a denied change": (
        "denied",
        lambda s, i, c: (_risky(s, i), s.deny(i, "C1", "too broad", BOB), s.start_change(i, "C1", DAVE)),
    ),
    "start the same change twice": (
        "already_started",
        lambda s, i, c: (_done(s, i, c), c.advance(600), s.start_change(i, "C1", DAVE)),
    ),
    "second change while one is in flight": (
        "one_change_in_flight",
        lambda s, i, c: (_started(s, i), _started(s, i, "C2")),
    ),
    "next change inside the observation window": (
        "observation_window",
        lambda s, i, c: (_done(s, i, c), _started(s, i, "C2")),
    ),
    "result for a change not in flight": (
        "not_in_flight",
        lambda s, i, c: (
            s.propose_change(i, "x", "dave", DAVE),
            s.record_result(i, "C1", "helped", "ok", DAVE),
        ),
    ),
    "result without observation": (
        "observation_required",
        lambda s, i, c: (_started(s, i), s.record_result(i, "C1", "helped", "  ", DAVE)),
    ),
    "command for a change not in flight": (
        "not_in_flight",
        lambda s, i, c: s.command_run(i, ["kubectl", "get", "pods"], 0, "", DAVE, change_id="C1"),
    ),
    "mitigate with a change in flight": (
        "change_in_flight",
        lambda s, i, c: (_started(s, i), s.mitigate(i, "looks better", BOB)),
    ),
    "mitigate twice": ("wrong_phase", lambda s, i, c: (_mitigated(s, i, c), s.mitigate(i, "again", BOB))),
    "monitor before mitigation": ("wrong_phase", lambda s, i, c: s.start_monitoring(i, BOB)),
    "resolve before mitigation": ("not_mitigated", lambda s, i, c: s.resolve(i, "done", BOB)),
    "resolve inside the monitoring window": (
        "monitoring_window",
        lambda s, i, c: (_mitigated(s, i, c), c.advance(14 * 60), s.resolve(i, "done", BOB)),
    ),
    "resolve after a worse result since mitigation": (
        "worse_since_mitigation",
        lambda s, i, c: (
            _mitigated(s, i, c),
            c.advance(600),
            _started(s, i, "C2"),
            s.record_result(i, "C2", "worse", "errors up again", DAVE),
            c.advance(3600),
            s.resolve(i, "done", BOB),
        ),
    ),
    "resolve with a change in flight": (
        "change_in_flight",
        lambda s, i, c: (_mitigated(s, i, c), c.advance(600), _started(s, i, "C2"), s.resolve(i, "d", BOB)),
    ),
    "IC overrides resolve with a change in flight": (
        "change_in_flight",
        lambda s, i, c: (
            _mitigated(s, i, c),
            c.advance(600),
            _started(s, i, "C2"),
            s.resolve(i, "d", BOB, override_reason="x"),
        ),
    ),
    "IC overrides resolve before mitigation": (
        "not_mitigated",
        lambda s, i, c: s.resolve(i, "false alarm", BOB, override_reason="alert misfired"),
    ),
    "non-IC resolves with an override": (
        "authority_resolve",
        lambda s, i, c: s.resolve(i, "done", CAROL, override_reason="false alarm"),
    ),
    "non-IC overrides a rule": (
        "authority_override",
        lambda s, i, c: s.override(i, "observation_window", "urgent", CAROL),
    ),
    "override a rule that cannot be": (
        "not_overridable",
        lambda s, i, c: s.override(i, "self_approval", "trust me", BOB),
    ),
    "override without reason": (
        "reason_required",
        lambda s, i, c: s.override(i, "monitoring_window", "", BOB),
    ),
    "change after resolution": (
        "incident_resolved",
        lambda s, i, c: (_resolved(s, i, c), s.propose_change(i, "x", "dave", DAVE, change_id="C5")),
    ),
    "reopen an open incident": ("wrong_phase", lambda s, i, c: s.reopen(i, "again", BOB)),
    "reopen without reason": ("reason_required", lambda s, i, c: (_resolved(s, i, c), s.reopen(i, "", BOB))),
    "severity change without reason": (
        "reason_required",
        lambda s, i, c: s.set_severity(i, "SEV-1", " ", BOB),
    ),
    "severity unknown to the policy": (
        "unknown_severity",
        lambda s, i, c: s.set_severity(i, "SEV-9", "x", BOB),
    ),
    "severity unchanged": ("same_severity", lambda s, i, c: s.set_severity(i, "SEV-2", "still", BOB)),
    "open with an unknown severity": ("unknown_severity", lambda s, i, c: s.open("x", "SEV-0", "bob", ALICE)),
    "handover without reason": ("reason_required", lambda s, i, c: s.handover(i, "ic", "carol", "", BOB)),
    "handover of a vacant role": (
        "not_holder",
        lambda s, i, c: s.handover(i, "comms", "carol", "shift", BOB),
    ),
    "handover to the holder": ("same_person", lambda s, i, c: s.handover(i, "ic", "bob", "shift", BOB)),
    "assign a held role": ("handover_needed", lambda s, i, c: s.assign(i, "ic", "carol", CAROL)),
    "duplicate hypothesis id": (
        "duplicate_id",
        lambda s, i, c: (s.hypothesis(i, "a", ALICE, "H1"), s.hypothesis(i, "b", ALICE, "H1")),
    ),
    "drop an unknown hypothesis": (
        "unknown_hypothesis",
        lambda s, i, c: s.drop_hypothesis(i, "H7", "no", ALICE),
    ),
    "drop without reason": (
        "reason_required",
        lambda s, i, c: (s.hypothesis(i, "a", ALICE), s.drop_hypothesis(i, "H1", "", ALICE)),
    ),
    "answer a node the walker is not at": (
        "not_at_node",
        lambda s, i, c: (_walking(s, i), s.answer_node(i, "redis", "other-node", "yes", ALICE)),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused(svc: IncidentService, incident: str, clock: FakeClock, case: str) -> None:
    rule, scene = CASES[case]
    with pytest.raises(RuleRefused) as refused:
        scene(svc, incident, clock)
    refusal = refused.value.refusal
    assert refusal.rule == rule, refusal
    assert refusal.reason.strip() and refusal.hint.strip()
    assert refused.value.exit_code == (2 if rule in USAGE_RULES else 1)


def test_a_refused_action_leaves_no_event(svc: IncidentService, incident: str) -> None:
    _risky(svc, incident)
    before = len(svc.events(incident))
    with pytest.raises(RuleRefused):
        svc.start_change(incident, "C1", DAVE)
    assert len(svc.events(incident)) == before


def test_the_observation_window_passes(svc: IncidentService, incident: str, clock: FakeClock) -> None:
    _done(svc, incident, clock)
    clock.advance(5 * 60 - 60)
    _started(svc, incident, "C2")
    assert svc.state(incident).in_flight_id == "C2"


def test_the_ic_can_override_the_observation_window_once(
    svc: IncidentService, incident: str, clock: FakeClock
) -> None:
    _done(svc, incident, clock)
    svc.override(incident, "observation_window", "customers down, the next step is a rollback", BOB)
    _started(svc, incident, "C2")
    clock.advance(60)
    svc.record_result(incident, "C2", "helped", "better", DAVE)
    with pytest.raises(RuleRefused, match="still being observed"):
        _started(svc, incident, "C3")


def test_irreversibility_accepted_instead_of_rollback(svc: IncidentService, incident: str) -> None:
    _h1(svc, incident)
    svc.propose_change(
        incident, "drop the cache", "dave", DAVE, hypothesis="H1", irreversible=True, risky=True
    )
    svc.approve(incident, "C1", BOB)
    assert svc.start_change(incident, "C1", DAVE).seq > 0


def test_the_ic_resolves_early_with_a_logged_reason(
    svc: IncidentService, incident: str, clock: FakeClock
) -> None:
    _mitigated(svc, incident, clock)
    svc.resolve(incident, "false alarm", BOB, override_reason="alert misfired; no user impact")
    state = svc.state(incident)
    assert (state.phase, state.resolve_override_reason) == ("resolved", "alert misfired; no user impact")


def test_the_ic_overrides_the_monitoring_window(
    svc: IncidentService, incident: str, clock: FakeClock
) -> None:
    _mitigated(svc, incident, clock)
    svc.override(incident, "monitoring_window", "fix verified by synthetic checks", BOB)
    assert svc.resolve(incident, "done", BOB).seq > 0


def test_a_longer_node_monitoring_window_holds(svc: IncidentService, incident: str, clock: FakeClock) -> None:
    _mitigated(svc, incident, clock)
    svc.start_monitoring(incident, BOB, window_s=30 * 60)
    clock.advance(20 * 60)
    with pytest.raises(RuleRefused, match="monitoring window"):
        svc.resolve(incident, "done", BOB)
    clock.advance(10 * 60)
    svc.resolve(incident, "done", BOB)


def test_sev3_changes_are_approved_by_the_owner_role(svc: IncidentService, incident: str) -> None:
    svc.set_severity(incident, "SEV-3", "only exports affected", BOB)
    svc.assign(incident, "owner", "carol", BOB)
    _risky(svc, incident)
    svc.request_approval(incident, "C1", DAVE)
    assert svc.state(incident).changes["C1"].approver_role == "owner"
    with pytest.raises(RuleRefused, match="not the Owner"):
        svc.approve(incident, "C1", BOB)
    svc.approve(incident, "C1", CAROL)


def test_approval_from_the_changes_own_os_account_is_flagged(svc: IncidentService, incident: str) -> None:
    shared = Actor("bob", DAVE.account, DAVE.host)
    _risky(svc, incident)
    svc.approve(incident, "C1", shared)
    state = svc.state(incident)
    assert state.changes["C1"].same_account_approval
    assert [flag.kind for flag in state.audit_flags] == ["same_account_approval"]


def test_notes_and_follow_ups_are_allowed_after_resolution(
    svc: IncidentService, incident: str, clock: FakeClock
) -> None:
    _resolved(svc, incident, clock)
    svc.note(incident, "postmortem booked", BOB)
    svc.reopen(incident, "errors are back", BOB)
    assert svc.state(incident).phase == "open"


def test_when_the_ic_proposes_the_fallback_approver_decides(svc: IncidentService, incident: str) -> None:
    _risky(svc, incident, by=BOB)
    with pytest.raises(RuleRefused) as refused:
        svc.approve(incident, "C1", BOB)
    assert "who may: the IC or Ops" in refused.value.refusal.hint
    svc.assign(incident, "ops", "carol", BOB)
    with pytest.raises(RuleRefused) as refused:
        svc.approve(incident, "C1", BOB)
    assert refused.value.refusal.hint == "who may: the Ops (carol) decides"
    svc.approve(incident, "C1", CAROL)
    assert svc.state(incident).changes["C1"].approved_by == "carol"


def test_command_taken_from_an_absent_ic_needs_a_second_responder(
    svc: IncidentService, incident: str
) -> None:
    svc.take_command(incident, "bob has not answered for 10 minutes", CAROL)
    assert svc.state(incident).ic == "bob"
    svc.confirm_command(incident, "carol", ALICE)
    state = svc.state(incident)
    assert state.ic == "carol"
    assert "confirmed by alice" in state.role_history[-1].reason


def test_front_ends_can_ask_when_the_windows_end(
    svc: IncidentService, incident: str, clock: FakeClock, policy: Policy
) -> None:
    assert observation_ends_at(svc.state(incident), policy) is None
    started = _started(svc, incident)
    assert observation_ends_at(svc.state(incident), policy) == started.at + timedelta(minutes=5)
    clock.advance(60)
    svc.record_result(incident, "C1", "helped", "better", DAVE)
    assert monitoring_ends_at(svc.state(incident), policy) is None
    mitigated = svc.mitigate(incident, "calm", BOB)
    assert monitoring_ends_at(svc.state(incident), policy) == mitigated.at + timedelta(minutes=15)
    svc.override(incident, "monitoring_window", "synthetics green", BOB)
    assert monitoring_ends_at(svc.state(incident), policy) is None


def test_an_override_logged_before_the_result_does_not_count_even_in_the_same_second(
    svc: IncidentService, incident: str
) -> None:
    _started(svc, incident)
    svc.override(incident, "observation_window", "too early", BOB)
    svc.record_result(incident, "C1", "helped", "better", DAVE)
    with pytest.raises(RuleRefused, match="still being observed"):
        _started(svc, incident, "C2")


def test_check_is_pure_and_catches_a_stale_severity(policy: Policy) -> None:
    state = fold(chain([(0, ALICE, EventType.INCIDENT_OPENED, opened("SEV-2"))]), policy)
    stale = NewEvent(EventType.SEVERITY_CHANGED, BOB, {"from": "SEV-3", "to": "SEV-1", "reason": "x"})
    refusal = check(state, stale, at(1), policy)
    assert refusal is not None and refusal.rule == "stale_severity"
    fresh = NewEvent(EventType.SEVERITY_CHANGED, BOB, {"from": "SEV-2", "to": "SEV-1", "reason": "x"})
    assert check(state, fresh, at(1), policy) is None
    assert state == fold(chain([(0, ALICE, EventType.INCIDENT_OPENED, opened("SEV-2"))]), policy)
