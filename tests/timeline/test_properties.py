"""Random sequences of incident actions: whatever is refused, the invariants of the timeline hold.

After every action: at most one change in flight, a change is only in flight if it was allowed
to start, the stored state equals a fold from scratch, and the chain verifies.
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.refusal import RuleRefused
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import Change, IncidentState, fold
from runbook_engine.timeline.store import SqliteStore
from tests.timeline.conftest import ALICE, BOB, CAROL, DAVE

POLICY: Policy = load_policy()
PEOPLE = {"alice": ALICE, "bob": BOB, "carol": CAROL, "dave": DAVE}

Action = Callable[[IncidentService, str, FakeClock], object]


def _actions() -> st.SearchStrategy[tuple[str, Action]]:
    """Change-control moves often, phase moves and overrides rarely (so they do not mask bugs).

    Moves name waiting changes by recency ("the newest", "the one before"), so most of them are
    about changes that exist and the interesting refusals are reached, not just `unknown_change`.
    """
    person = st.sampled_from(sorted(PEOPLE))
    recent = st.integers(0, 2)
    result = st.sampled_from(["helped", "no_change", "worse"])
    flow = [
        st.tuples(person, st.sampled_from([False, False, True])).map(
            lambda a: (f"{a[0]} proposes (risky={a[1]})", _propose(a[0], a[1]))
        ),
        st.tuples(person, recent).map(lambda a: (f"{a[0]} approves #{a[1]}", _on_recent("approve", *a))),
        st.tuples(person, recent).map(lambda a: (f"{a[0]} starts #{a[1]}", _on_recent("start", *a))),
        result.map(lambda outcome: (f"result {outcome}", _result(outcome))),
        st.sampled_from([10, 100, 200, 400, 1000]).map(
            lambda n: (f"wait {n}s", lambda s, i, c: c.advance(n))
        ),
    ]
    rare = st.sampled_from(
        [
            ("mitigate", lambda s, i, c: s.mitigate(i, "calm", BOB)),
            ("resolve", lambda s, i, c: s.resolve(i, "done", BOB)),
            ("reopen", lambda s, i, c: s.reopen(i, "back", BOB)),
            ("override", lambda s, i, c: s.override(i, "observation_window", "urgent", BOB)),
            ("sev1", lambda s, i, c: s.set_severity(i, "SEV-1", "worse", BOB)),
        ]
    )
    propose, approve, start, record, wait = flow
    go = person.map(lambda who: (f"{who} proposes and starts", _propose_and_start(who)))
    return st.one_of(propose, go, start, go, record, record, approve, wait, rare)


def _propose(owner: str, risky: bool) -> Action:
    def act(svc: IncidentService, incident: str, clock: FakeClock) -> object:
        actor = PEOPLE[owner]
        return svc.propose_change(
            incident, "act", owner, actor, hypothesis="H1", rollback="undo", risky=risky
        )

    return act


def _propose_and_start(who: str) -> Action:
    def act(svc: IncidentService, incident: str, clock: FakeClock) -> object:
        change = svc.propose_change(incident, "quick", who, PEOPLE[who])
        return svc.start_change(incident, str(change.payload["change_id"]), PEOPLE[who])

    return act


def _on_recent(move: str, who: str, back: int) -> Action:
    def act(svc: IncidentService, incident: str, clock: FakeClock) -> object:
        waiting = [
            c.change_id for c in svc.state(incident).changes.values() if c.status in ("proposed", "approved")
        ]
        change_id = waiting[-1 - back] if back < len(waiting) else "C99"
        if move == "approve":
            return svc.approve(incident, change_id, PEOPLE[who])
        return svc.start_change(incident, change_id, PEOPLE[who])

    return act


def _result(outcome: str) -> Action:
    def act(svc: IncidentService, incident: str, clock: FakeClock) -> object:
        change_id = svc.state(incident).in_flight_id or "C1"
        return svc.record_result(incident, change_id, outcome, "seen", DAVE)

    return act


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_actions(), min_size=15, max_size=40))
def test_invariants_hold_under_any_sequence_of_actions(script: list[tuple[str, Action]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "p.db", POLICY) as store:
        clock = FakeClock()
        svc = IncidentService(store, POLICY, clock)
        incident = svc.open("prop", "SEV-2", "bob", ALICE).incident_id
        for _label, action in script:
            with contextlib.suppress(RuleRefused):
                action(svc, incident, clock)
            state = svc.state(incident)
            in_flight = [c for c in state.changes.values() if c.status == "in_flight"]
            assert len(in_flight) <= 1
            assert all(c.approved_by not in (None, c.owner) for c in in_flight + _done(state) if c.risky)
            assert fold(store.events(incident), POLICY) == store.state(incident)
            _assert_one_at_a_time_and_observed(state)
        assert store.verify(incident).ok


def _assert_one_at_a_time_and_observed(state: IncidentState) -> None:
    """Each change started after the previous one had a result and was watched (or overridden)."""
    started = sorted((c for c in state.changes.values() if c.started_seq), key=lambda c: c.started_seq or 0)
    shortest = min(rule.observation_window_s for rule in POLICY.severities.values())
    for before, after in itertools.pairwise(started):
        assert before.started_at and before.result_seq and after.started_at and after.started_seq
        assert before.result_seq < after.started_seq
        watched = (after.started_at - before.started_at).total_seconds() >= shortest
        overridden = any(before.result_seq < o.seq < after.started_seq for o in state.overrides)
        assert watched or overridden


def _done(state: IncidentState) -> list[Change]:
    return [c for c in state.changes.values() if c.status == "done"]
