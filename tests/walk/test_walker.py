"""The pure walker driven through a real store: answers, the risky-change lifecycle, back, resume."""

from __future__ import annotations

import pytest

from runbook_engine.errors import Refused
from runbook_engine.timeline import rules
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.refusal import RuleRefused
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.view import Move, Phase
from tests.walk.conftest import World


def test_first_view_is_the_start_node_with_numbered_answers(world: World) -> None:
    session = world.session()
    session.begin()
    view = session.view()
    assert view.node.id == "connections-at-limit"
    assert view.phase is Phase.QUESTION
    assert [(c.key, c.label, c.target) for c in view.choices] == [
        ("1", "at-limit", "who-holds-connections"),
        ("2", "below-limit", "escalate-platform"),
    ]
    assert view.asks_evidence


def test_answer_records_evidence_and_enters_the_target(world: World) -> None:
    session = world.session()
    session.begin()
    session.append(session.walker.answer(session.state, "at-limit", "ratio 1.0"))
    walk = session.state.walk("alice", "redis-max-connections")
    assert walk is not None
    assert [v.node for v in walk.path] == ["connections-at-limit", "who-holds-connections"]
    assert walk.path[0].answer == "at-limit" and walk.path[0].evidence == "ratio 1.0"


def test_unknown_answer_is_a_key_error(world: World) -> None:
    session = world.session()
    session.begin()
    with pytest.raises(KeyError):
        session.walker.answer(session.state, "maybe")


def walk_to_rollback(world: World) -> None:
    session = world.session()
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))


def start_approved_rollback(world: World) -> WalkSession:
    """Walk to the risky rollback, have the IC approve it (change C1) and start it."""
    walk_to_rollback(world)
    session = world.session()
    session.append(session.walker.propose(session.state))
    world.approve("C1")
    session.refresh()
    session.append(session.walker.start(session.state))
    return session


def test_confirmed_cause_states_a_hypothesis(world: World) -> None:
    walk_to_rollback(world)
    state = world.service.state(world.incident_id)
    assert [h.id for h in state.active_hypotheses] == ["H1"]
    assert "returning them to its pool" in state.active_hypotheses[0].text
    view = world.walker().view(state, world.clock.now())
    assert view.node.id == "rollback-client"
    assert view.phase is Phase.READY
    assert [c.move for c in view.choices] == [Move.PROPOSE, Move.SKIP]  # a rung may be skipped
    assert [item.ok for item in view.gate] == [True, True, True, False]


def test_risky_change_waits_for_approval_then_runs_to_a_result(world: World) -> None:
    walk_to_rollback(world)
    session = world.session()
    session.append(session.walker.propose(session.state))
    assert session.view().phase is Phase.AWAITING_APPROVAL
    assert session.view().choices == ()
    with pytest.raises(Refused):
        session.append(session.walker.start(session.state))
    world.approve("C1")
    session.refresh()
    view = session.view()
    assert view.phase is Phase.APPROVED and view.gate_open
    assert view.gate[-1].detail == "approved by @bob"
    session.append(session.walker.start(session.state))
    assert session.view().phase is Phase.IN_FLIGHT
    assert [c.label for c in session.view().choices] == ["helped", "no_change", "worse"]
    session.append(session.walker.answer(session.state, "helped", "clients at 40%"))
    change = session.state.changes["C1"]
    assert (change.status, change.result, change.observation) == ("done", "helped", "clients at 40%")
    assert change.strategy == "rollback"  # declared by the runbook's action, carried by the proposal
    assert session.view().node.id == "watch-recovery"


def test_ic_walking_a_risky_action_is_told_to_delegate(world: World) -> None:
    session = world.session(world.ic)
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    view = session.view()
    assert "the IC coordinates" in view.notice and "hand over IC" in view.notice
    with pytest.raises(RuleRefused) as refused:
        session.append(session.walker.propose(session.state))
    assert refused.value.refusal.rule == "ic_does_not_act"


def test_back_returns_to_the_previous_node_and_trail_unwinds(world: World) -> None:
    session = world.session()
    session.begin()
    session.append(session.walker.answer(session.state, "at-limit"))
    session.append(session.walker.back(session.state))
    assert session.view().node.id == "connections-at-limit"
    assert session.walker.trail(session.state) == ("connections-at-limit",)
    assert session.walker.back(session.state) == []


def test_the_trail_is_cut_back_wherever_the_walk_re_enters_a_node(world: World) -> None:
    session = world.session()
    session.begin()
    walker = session.walker
    for label in ("at-limit", "one-service-over-its-pool"):
        session.append(walker.answer(session.state, label))
    three = walker.trail(session.state)
    assert len(three) == 3
    for _ in range(2):
        session.append(walker.back(session.state))
    assert walker.trail(session.state) == three[:1]
    session.append(walker.answer(session.state, "at-limit"))
    session.append(walker.answer(session.state, "many-long-idle"))
    trail = walker.trail(session.state)
    assert trail[:2] == three[:2] and trail[2] != three[2] and len(trail) == 3
    session.append(walker.back(session.state))
    assert walker.trail(session.state) == three[:2]


def test_a_new_session_resumes_at_the_same_node_and_pending_state(world: World) -> None:
    walk_to_rollback(world)
    first = world.session()
    first.append(first.walker.propose(first.state))
    again = world.session()
    again.begin()
    view = again.view()
    assert (view.node.id, view.phase) == ("rollback-client", Phase.AWAITING_APPROVAL)
    assert view.change is not None and view.change.change_id == "C1"


def test_resolve_needs_mitigation_and_the_monitoring_window(world: World) -> None:
    session = start_approved_rollback(world)
    session.append(session.walker.answer(session.state, "helped"))
    session.append(session.walker.answer(session.state, "recovered"))
    assert session.view().phase is Phase.MITIGATE
    session.append(session.walker.mitigate(session.state, "rolled back"))
    assert session.view().phase is Phase.MONITORING
    ic = world.session(world.ic)
    with pytest.raises(RuleRefused, match="monitoring window"):
        ic.append(ic.walker.resolve("done"))
    world.clock.advance(16 * 60)
    assert session.view().phase is Phase.RESOLVABLE
    with pytest.raises(RuleRefused, match="authority_resolve"):
        session.append(session.walker.resolve("done"))
    ic.append(ic.walker.resolve("done"))
    session.refresh()
    assert session.state.phase == "resolved"
    assert session.view().phase is Phase.RESOLVED


def test_events_carry_the_walker_and_runbook(world: World) -> None:
    session = world.session()
    session.begin()
    events = session.walker.answer(session.state, "at-limit", "x")
    assert [e.type for e in events] == [EventType.NODE_ANSWERED, EventType.NODE_ENTERED]
    assert all(e.payload["walker"] == "alice" for e in events)


def test_a_denied_change_shows_why_and_can_be_proposed_again(world: World) -> None:
    walk_to_rollback(world)
    session = world.session()
    session.append(session.walker.propose(session.state))
    world.service.deny(world.incident_id, "C1", "check the pool size first", world.ic)
    session.refresh()
    view = session.view()
    assert view.phase is Phase.DENIED
    assert view.gate[-1].detail == "denied by @bob: check the pool size first"
    assert [c.move for c in view.choices] == [Move.PROPOSE, Move.SKIP]
    session.append(session.walker.propose(session.state))
    assert session.view().phase is Phase.AWAITING_APPROVAL
    again = session.walker.change(session.state)
    assert again is not None and again.change_id == "C2"


def test_the_next_change_waits_for_the_observation_window(world: World) -> None:
    session = start_approved_rollback(world)
    session.append(session.walker.answer(session.state, "no_change", "still at the limit"))
    assert session.view().node.id == "idle-clients"
    session.append(session.walker.answer(session.state, "confirmed"))
    gate = session.view().gate
    assert not gate[2].ok and gate[2].detail.startswith("observing C1")
    world.clock.advance(10 * 60)
    assert session.view().gate[2].ok


def test_the_gate_counts_the_observation_window_as_the_rules_do(world: World) -> None:
    """From the previous change's start: a result recorded late leaves nothing more to wait."""
    session = start_approved_rollback(world)
    window = world.policy.rule(session.state.severity).observation_window_s
    world.clock.advance(window + 1)
    session.append(session.walker.answer(session.state, "no_change", "still at the limit"))
    session.append(session.walker.answer(session.state, "confirmed"))
    assert session.view().gate[2].ok
    ends = rules.observation_ends_at(session.state, world.policy)
    assert ends is not None and ends < world.clock.now()
