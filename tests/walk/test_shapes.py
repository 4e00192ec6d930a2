"""Real runbook shapes walked through a real store: tasks, observations, ladders, risky checks and
cleanups, todo leaves, unbounded waits, outside documents and a step's own approvers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_engine.errors import EngineError
from runbook_engine.format.library import load_runbook
from runbook_engine.format.loader import load_text
from runbook_engine.format.model import Runbook, runbook_from_data
from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, EventType
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from runbook_engine.walk.controller import Controller
from runbook_engine.walk.render import node_body
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.view import Move, Phase
from runbook_engine.walk.walker import Walker

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"
IC = Actor("ines", "ines-account", "host-i")
OMAR = Actor("omar", "omar-account", "host-o")
DANA = Actor("dana", "dana-account", "host-d")
CLEO = Actor("cleo", "cleo-account", "host-c")


@dataclass
class Desk:
    service: IncidentService
    clock: FakeClock
    incident_id: str

    def session(self, runbook: Runbook, actor: Actor = OMAR) -> WalkSession:
        walker = Walker(runbook, actor, self.service.policy)
        session = WalkSession(self.service, self.incident_id, walker, self.clock)
        session.begin()
        return session

    def answer(self, session: WalkSession, *labels: str) -> None:
        for label in labels:
            session.append(session.walker.answer(session.state, label, f"saw {label}"))


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    policy = load_policy()
    clock = FakeClock()
    store = SqliteStore(tmp_path / "incidents.db", policy)
    service = IncidentService(store, policy, clock)
    opened = service.open("Replica lag", "SEV-2", "ines", IC)
    yield Desk(service, clock, opened.incident_id)
    store.close()


def ladder() -> Runbook:
    return load_runbook(RUNBOOKS / "replica-lag-ladder.yaml")


def events_of(desk: Desk, kind: EventType) -> list[dict[str, object]]:
    return [dict(e.payload) for e in desk.service.events(desk.incident_id) if e.type is kind]


def test_a_coordination_step_is_a_task_with_its_owner_not_a_change(desk: Desk) -> None:
    session = desk.session(ladder())
    desk.answer(session, "growing")
    view = session.view()
    assert view.node.id == "page-dbre" and view.phase is Phase.QUESTION and not view.gate
    assert [c.label for c in view.choices] == ["done"] and view.asks_evidence
    desk.answer(session, "done")
    answered = events_of(desk, EventType.NODE_ANSWERED)[-1]
    assert answered["effect"] == "coordination" and answered["owner"] == "ic"
    assert not events_of(desk, EventType.CHANGE_PROPOSED)
    line = human_line(desk.service.events(desk.incident_id)[-2])
    assert "@omar Task done at replica-lag-ladder#page-dbre (owner @ic): done" in line, line


def test_a_rung_is_skipped_with_its_reason_and_nothing_starts(desk: Desk) -> None:
    session = desk.session(ladder())
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    assert session.view().node.id == "end-blocking-query"
    skip = next(c for c in session.view().choices if c.move is Move.SKIP)
    assert skip.target == "raise-lag-tolerance"
    session.append(session.walker.skip(session.state, "the replica is being rebuilt anyway"))
    assert session.view().node.id == "raise-lag-tolerance"
    assert not session.state.changes
    answered = events_of(desk, EventType.NODE_ANSWERED)[-1]
    assert answered["skipped"] == "the replica is being rebuilt anyway"
    assert answered["answer"] == "no_change"


def test_an_irreversible_rung_is_accepted_then_approved_by_the_step_approver(desk: Desk) -> None:
    desk.service.assign(desk.incident_id, "tech_lead", "dana", IC)
    session = desk.session(ladder())
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    view = session.view()
    assert view.choices[0].label == "accept irreversible" and view.choices[0].move is Move.PROPOSE
    body = "".join(text for _, text in node_body(view))
    assert "Cannot undo The query" in body and "Precheck" in body and "Tech lead, else IC" in body
    session.append(session.walker.propose(session.state))
    change = session.state.changes["C1"]
    assert change.irreversible and change.approver_role == "tech_lead"
    with pytest.raises(EngineError, match="not among the approvers"):
        desk.service.approve(desk.incident_id, "C1", CLEO)
    desk.service.approve(desk.incident_id, "C1", DANA)
    session.refresh()
    assert session.view().phase is Phase.APPROVED


def test_the_fallback_approver_is_asked_when_the_first_owns_the_change(desk: Desk) -> None:
    desk.service.assign(desk.incident_id, "tech_lead", "dana", IC)
    session = desk.session(ladder(), DANA)
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    session.append(session.walker.propose(session.state))
    assert session.state.changes["C1"].approver_role == "ic"
    with pytest.raises(EngineError, match=r"may not approve .*four_eyes"):
        desk.service.approve(desk.incident_id, "C1", DANA)
    desk.service.approve(desk.incident_id, "C1", IC)
    assert desk.service.state(desk.incident_id).changes["C1"].status == "approved"


def test_two_distinct_approvers_are_needed_when_the_step_says_so(desk: Desk) -> None:
    canary = load_runbook(RUNBOOKS / "checkout-hotfix-canary.yaml")
    desk.service.assign(desk.incident_id, "tech_lead", "dana", IC)
    session = desk.session(canary)
    desk.answer(session, "ruled-out")
    for check in ("build-green", "reviewed", "canary-free"):
        session.append(session.walker.gather(session.state, check, f"{check} ok"))
    desk.answer(session, "ready", "done")
    session.append(session.walker.start(session.state))
    desk.answer(session, "helped")
    desk.service.hypothesis(desk.incident_id, "the hotfix repairs the crash", IC)
    session.refresh()
    session.append(session.walker.propose(session.state))
    desk.service.approve(desk.incident_id, "C2", DANA)
    with pytest.raises(EngineError, match="already approved"):
        desk.service.approve(desk.incident_id, "C2", DANA)
    state = desk.service.state(desk.incident_id)
    assert state.changes["C2"].status == "proposed" and state.changes["C2"].approvals == ("dana",)
    desk.service.approve(desk.incident_id, "C2", IC)
    assert desk.service.state(desk.incident_id).changes["C2"].approved_by == "dana, ines"


def test_an_observation_of_automation_is_logged_never_as_a_change(desk: Desk) -> None:
    sentinel = load_runbook(RUNBOOKS / "redis-sentinel-failed-over.yaml")
    session = desk.session(sentinel)
    assert session.view().node.badge == "OBSERVATION"
    desk.answer(session, "done")
    assert not session.state.changes
    assert events_of(desk, EventType.NODE_ANSWERED)[-1]["effect"] == "observation"


def test_a_risky_diagnostic_is_gated_and_owes_its_revert(desk: Desk) -> None:
    sentinel = load_runbook(RUNBOOKS / "redis-sentinel-failed-over.yaml")
    session = desk.session(sentinel)
    desk.answer(session, "done", "once", "all-follow")
    view = session.view()
    assert view.node.id == "old-primary-writes" and view.phase is Phase.READY and view.gate
    with pytest.raises(ValueError, match="start it first"):
        session.walker.answer(session.state, "no-writes")
    desk.service.hypothesis(desk.incident_id, "a client still writes to the old primary", IC)
    session.refresh()
    session.append(session.walker.propose(session.state))
    desk.service.approve(desk.incident_id, "C1", IC)
    session.refresh()
    session.append(session.walker.start(session.state))
    assert session.state.cleanup_owed == ("quiet-old-primary",)
    desk.answer(session, "no-writes")
    assert session.state.changes["C1"].result == "no_change"
    desk.answer(session, "next")
    assert not session.state.cleanup_owed


TODO_RUNBOOK = """\
id: todo-demo
title: Todo demo
service: demo
symptom: {summary: Something odd}
start: what
nodes:
  what:
    kind: check
    text: Which kind of odd?
    signal: {kind: manual, text: look}
    answers: {known: pause, unknown: not-written, slow: watch}
  pause:
    kind: action
    text: Pause the job.
    risk: safe
    cleanup: [resume]
    outcomes: {helped: page, no_change: resume}
  resume: {kind: cleanup, text: Resume the job., next: done}
  page: {kind: escalate, text: Page the owners., team: owners, document: "https://wiki.example.com/x"}
  watch:
    kind: wait
    text: Watch until it settles.
    answers: {settled: done}
  not-written: {kind: todo, text: Nobody knows yet., team: platform-oncall}
  done: {kind: resolve, text: Fine again.}
"""


def todo_runbook() -> Runbook:
    return runbook_from_data(load_text(TODO_RUNBOOK).data)


def test_a_todo_leaf_ends_the_walk_and_says_to_escalate(desk: Desk) -> None:
    session = desk.session(todo_runbook())
    desk.answer(session, "unknown")
    view = session.view()
    assert view.phase is Phase.END
    assert view.notice == "This branch is not written yet: escalate (platform-oncall)."


def test_an_unbounded_wait_counts_up(desk: Desk) -> None:
    session = desk.session(todo_runbook())
    desk.answer(session, "slow")
    desk.clock.advance(125)
    view = session.view()
    assert view.seconds_left is None and view.seconds_waited == 125
    assert "2m" in "".join(text for _, text in node_body(view))
    assert view.notice == ""
    desk.clock.advance(15 * 60)  # the SEV-2 update cadence
    assert session.view().notice.startswith("Waiting 17m")
    assert "post a status update" in session.view().notice


def test_an_ending_with_owed_cleanup_offers_the_cleanup_and_names_the_document(desk: Desk) -> None:
    session = desk.session(todo_runbook())
    desk.answer(session, "known")
    session.append(session.walker.start(session.state))
    controller = Controller(session)
    desk.answer(session, "helped")
    controller._point_to_linked_runbook()
    assert ("info", "continue in: https://wiki.example.com/x") in controller.messages
    view = session.view()
    assert view.notice == "Cleanup still owed before this ending: resume"
    detour = next(c for c in view.choices if c.move is Move.DETOUR)
    controller.choose(detour)
    assert session.view().node.id == "resume"


def test_a_gather_step_takes_its_checks_in_any_order_then_one_decision(desk: Desk) -> None:
    canary = load_runbook(RUNBOOKS / "checkout-hotfix-canary.yaml")
    session = desk.session(canary)
    desk.answer(session, "ruled-out")
    view = session.view()
    assert [c.part for c in view.choices] == ["build-green", "reviewed", "canary-free"]
    assert all(c.move is Move.GATHER for c in view.choices)
    with pytest.raises(ValueError, match="still missing: build-green, reviewed, canary-free"):
        session.walker.answer(session.state, "ready")
    session.append(session.walker.gather(session.state, "canary-free", "canary: none"))
    session.append(session.walker.gather(session.state, "build-green", "pipeline 8812 green"))
    view = session.view()
    assert view.node.id == "hotfix-ready" and [c.part for c in view.choices] == ["reviewed"]
    assert view.gathered == (("canary-free", "canary: none"), ("build-green", "pipeline 8812 green"))
    with pytest.raises(ValueError, match="not a check still to gather"):
        session.walker.gather(session.state, "build-green", "again")
    controller = Controller(session)
    controller.choose(view.choices[0])
    controller.submit("kai approved")
    assert [c.label for c in session.view().choices] == ["ready", "not-ready"]
    body = "".join(text for _, text in node_body(session.view()))
    assert "Gather (3 of 3), then decide" in body and "kai approved" in body
    desk.answer(session, "ready")
    walk = session.state.walk("omar", canary.id)
    assert walk is not None and [v.node for v in walk.path][-2:] == ["hotfix-ready", "announce-rollout"]
    assert walk.path[-2].answer == "ready" and len(walk.path[-2].gathered) == 3


def test_accepting_irreversibility_needs_a_yes_after_the_consequence_and_precheck(desk: Desk) -> None:
    desk.service.assign(desk.incident_id, "tech_lead", "dana", IC)
    session = desk.session(ladder())
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    controller = Controller(session)
    controller.choose(session.view().choices[0])
    assert controller.form is not None
    question = controller.form.fields[0].prompt
    assert question == "IRREVERSIBLE: Precheck done, and you accept what is lost for good (above)? (y/n) "
    body = "".join(text for _, text in node_body(session.view()))
    assert "Cannot undo The query's work is lost" in body
    assert "Precheck  The pid is the oldest client backend" in body
    controller.submit("n")
    assert not session.state.changes
    assert ("info", "not proposed: the irreversible step was not accepted") in controller.messages
    controller.choose(session.view().choices[0])
    controller.submit("y")
    assert session.state.changes["C1"].irreversible
    assert session.view().phase is Phase.AWAITING_APPROVAL


def test_skipping_from_the_screen_asks_why(desk: Desk) -> None:
    session = desk.session(ladder())
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    controller = Controller(session)
    controller.choose(next(c for c in session.view().choices if c.move is Move.SKIP))
    controller.submit("the report owner is ending it herself")
    assert session.view().node.id == "raise-lag-tolerance"
    assert events_of(desk, EventType.NODE_ANSWERED)[-1]["skipped"] == "the report owner is ending it herself"


def test_the_paging_alert_sets_a_new_incidents_severity(tmp_path: Path) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from runbook_engine.walk.lobby import choose_incident

    runbook = ladder()
    assert runbook.severity_for("PaymentsReplicaLagHigh") == "SEV-3"
    assert runbook.severity_for("PaymentsReplicaLagCritical") == "SEV-2"
    assert runbook.severity_for("NoSuchAlert") is None
    policy = load_policy()
    with SqliteStore(tmp_path / "lobby.db", policy) as store, create_pipe_input() as pipe:
        service = IncidentService(store, policy, FakeClock())
        pipe.send_text("\r\r\r")  # accept the title, the severity and the IC offered
        opened = choose_incident(service, runbook, OMAR, input=pipe, output=DummyOutput(), severity="SEV-3")
        assert service.state(opened).severity == "SEV-3"


def test_the_postmortem_lists_a_skipped_rung_as_a_decision(desk: Desk) -> None:
    from runbook_engine.postmortem.document import render_postmortem

    session = desk.session(ladder())
    desk.answer(session, "growing", "done", "confirmed", "still-lagging")
    session.append(session.walker.skip(session.state, "the export owner ends it herself"))
    events = desk.service.events(desk.incident_id)
    state = desk.service.state(desk.incident_id)
    draft = render_postmortem(events, state, desk.service.policy, desk.clock.now())
    decisions = draft.split("## Key decisions")[1].split("##")[0]
    why = "the export owner ends it herself"
    assert f"replica-lag-ladder#end-blocking-query not tried (skipped by omar): {why}" in decisions
