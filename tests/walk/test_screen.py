"""The walk screen driven by keys through a pipe input; assertions are on the timeline and state."""

from __future__ import annotations

from dataclasses import replace

from runbook_engine.format.library import load_runbook
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.format import human_line
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.view import Phase
from runbook_engine.walk.walker import Walker
from tests.walk.conftest import REPO, World
from tests.walk.driver import Driver, drive

CLEAR = "\x15"
"""Ctrl-U: clear a prefilled answer before typing another."""


def to_rollback(d: Driver) -> None:
    d.type("1")
    d.type("ratio 1.0\r")
    d.at("who-holds-connections")
    d.type("1", "\r")
    d.at("recent-deploy")
    d.type("1", "\r")
    d.at("rollback-client")


def propose_and_see_it_approved(d: Driver, world: World, session: WalkSession) -> None:
    """Keys to the risky rollback, propose it, and wait until the IC's approval (given through a
    connection of its own) shows on this screen."""
    to_rollback(d)
    d.type("1")
    d.wait(lambda: session.view().phase is Phase.AWAITING_APPROVAL, "approval request")
    world.approve("C1")
    d.wait(lambda: session.view().phase is Phase.APPROVED, "the approval to show up")
    d.wait(lambda: d.said("Approved change C1"), "the approval line on screen")


def test_keys_walk_to_a_risky_change_that_waits_for_the_ics_approval(world: World) -> None:
    session = world.session()
    session.begin()

    def script(d: Driver) -> None:
        propose_and_see_it_approved(d, world, session)
        d.type("1")
        d.wait(lambda: session.view().phase is Phase.IN_FLIGHT, "the change to start")
        d.type("1", "clients at 40%\r")
        d.at("watch-recovery")

    drive(session, script)
    state = world.service.state(world.incident_id)
    change = state.changes["C1"]
    assert change.approved_by == "bob"
    assert (change.result, change.observation) == ("helped", "clients at 40%")
    walk = state.walk("alice", "redis-max-connections")
    assert walk is not None and walk.path[0].evidence == "ratio 1.0"


def test_typed_commands_reach_the_timeline(world: World) -> None:
    session = world.session(world.ic)  # severity and roles are the IC's to change
    session.begin()

    def script(d: Driver) -> None:
        d.type("note paged by the alert\r")
        d.type("hypothesis a deploy leaks connections\r")
        d.type("evidence ratio at 1.0\r")
        d.type("action\r", "write a leak test\r", "\r", CLEAR + "1w\r", "\r")
        d.type("sev\r", "SEV-1\r", "checkout down too\r")
        d.type("handover\r", CLEAR + "comms\r", "carol\r", "new shift\r")
        d.type("update\r", "\r", "\r", "\r", "\r", CLEAR + "10m\r")
        d.wait(lambda: session.state.last_status_update is not None, "the status update")

    drive(session, script)
    events = world.service.events(world.incident_id)
    kinds = [event.type for event in events]
    for kind in (
        EventType.NOTE,
        EventType.HYPOTHESIS_STATED,
        EventType.ACTION_ITEM,
        EventType.SEVERITY_CHANGED,
        EventType.ROLE_ASSIGNED,
        EventType.STATUS_UPDATE,
    ):
        assert kind in kinds, kind
    state = world.service.state(world.incident_id)
    assert state.severity == "SEV-1"
    assert state.roles["comms"] == "carol"
    assert state.action_items[0].bucket == "1w" and state.action_items[0].owner == "bob"
    notes = [e.payload["text"] for e in events if e.type is EventType.NOTE]
    assert notes == ["paged by the alert", "Evidence at Connections at limit?: ratio at 1.0"]
    update = state.last_status_update
    assert update is not None and "a deploy leaks connections" in update.text


def test_back_and_ctrl_c_then_a_new_screen_resumes_where_the_timeline_says(world: World) -> None:
    session = world.session()
    session.begin()

    def first(d: Driver) -> None:
        d.type("1", "\r")
        d.at("who-holds-connections")
        d.type("2", "\r")
        d.at("idle-clients")
        d.type("back\r")
        d.at("who-holds-connections")

    drive(session, first)
    resumed = world.session()
    resumed.begin()
    assert resumed.view().node.id == "who-holds-connections"

    def second(d: Driver) -> None:
        d.type("3", "\r")
        d.at("traffic-growth")

    drive(resumed, second)
    assert world.walker().position(world.service.state(world.incident_id)) == "traffic-growth"


def test_another_terminals_events_appear_without_a_key(world: World) -> None:
    session = world.session()
    session.begin()

    def script(d: Driver) -> None:
        other = world.other_terminal()
        other.note(world.incident_id, "bob here", world.ic)
        d.wait(lambda: d.said("bob here"), "bob's note on alice's screen")
        other.store.close()

    controller = drive(session, script)
    assert "event" in {style for style, text in controller.messages if "bob here" in text}


def test_a_handoff_says_how_to_continue_in_the_linked_runbook(world: World) -> None:
    checkout = REPO / "runbooks" / "checkout-errors-after-deploy.yaml"
    walker = Walker(load_runbook(checkout), world.alice, world.policy)
    session = WalkSession(world.service, world.incident_id, walker, world.clock)
    session.begin()

    def script(d: Driver) -> None:
        d.type("1", "\r")
        d.at("deploy-in-last-hour")
        d.type("2", "\r")
        d.at("downstream-errors")
        d.type("1", "\r")
        d.at("handoff-redis")
        expected = f"runbook walk {REPO / 'runbooks' / 'redis-max-connections.yaml'} --incident"
        d.wait(lambda: d.said(expected), "the command to continue")

    drive(session, script)
    assert session.view().phase is Phase.END


def test_answering_a_wait_early_is_said_and_logged(world: World) -> None:
    runbook = replace(world.runbook, start="watch-recovery")
    walker = Walker(runbook, world.alice, world.policy)
    session = WalkSession(world.service, world.incident_id, walker, world.clock)
    session.begin()
    world.clock.advance(4)

    def script(d: Driver) -> None:
        d.type("1", "\r")  # recovered; no evidence
        d.wait(lambda: d.said("logged as an early answer"), "the early answer said on screen")

    controller = drive(session, script)
    said = [text for style, text in controller.messages if style == "warning"]
    assert said == ["answered with 9m56s still on the wait: logged as an early answer"]
    answered = [e for e in world.service.events(world.incident_id) if e.type is EventType.NODE_ANSWERED]
    assert answered[-1].payload["early_by_s"] == 596
    assert "(early: the wait had 9m56s left)" in human_line(answered[-1])


def test_answering_a_wait_after_its_time_is_not_early(world: World) -> None:
    walker = Walker(replace(world.runbook, start="watch-recovery"), world.alice, world.policy)
    state = world.service.state(world.incident_id)
    world.service.store.append(world.incident_id, walker.begin(state)[0], world.clock.now(), lambda *_: None)
    world.clock.advance(600)
    events = walker.answer(world.service.state(world.incident_id), "recovered", now=world.clock.now())
    assert "early_by_s" not in events[0].payload
