"""Walks on the team store: two logins on one incident, live through LISTEN/NOTIFY, server restarts."""

from __future__ import annotations

import pytest

from runbook_engine.timeline.events import EventType
from tests.pg_server import PgServer
from tests.team.conftest import ALICE_LOGIN, BOB_LOGIN
from tests.walk.conftest import World
from tests.walk.driver import Driver, drive
from tests.walk.test_screen import propose_and_see_it_approved


def test_the_ic_approves_from_another_login_and_the_walk_shows_it(team_world: World) -> None:
    world = team_world
    session = world.session()
    session.begin()

    def script(d: Driver) -> None:
        propose_and_see_it_approved(d, world, session)

    drive(session, script)
    events = world.service.events(world.incident_id)
    accounts = {event.type: event.actor.account for event in events}
    assert accounts[EventType.INCIDENT_OPENED] == BOB_LOGIN
    assert accounts[EventType.APPROVAL_GRANTED] == BOB_LOGIN
    assert accounts[EventType.CHANGE_PROPOSED] == ALICE_LOGIN
    assert world.service.state(world.incident_id).changes["C1"].approved_by == "bob"
    assert world.service.store.verify(world.incident_id).ok


def test_two_walkers_on_two_connections_see_each_others_events(team_world: World) -> None:
    world = team_world
    session = world.session()
    session.begin()

    def script(d: Driver) -> None:
        other = world.other_terminal()
        bobs = world.session(world.ic)
        bobs.begin()
        other.note(world.incident_id, "bob here", world.ic)
        d.wait(lambda: d.said("bob here"), "bob's note on alice's screen")
        d.type("1", "ratio 1.0\r")
        d.at("who-holds-connections")
        bobs.refresh()
        walk = bobs.state.walk("alice", "redis-max-connections")
        assert walk is not None and walk.path[0].evidence == "ratio 1.0"
        other.store.close()

    drive(session, script)


@pytest.mark.slow
def test_a_walk_keeps_its_place_while_the_server_restarts(team_world: World, pg_server: PgServer) -> None:
    if pg_server.directory is None:
        pytest.skip("this PostgreSQL was not started by the tests (no RUNBOOK_TEST_PG_DIR)")
    world = team_world
    session = world.session()
    session.begin()

    def script(d: Driver) -> None:
        d.type("1", "ratio 1.0\r")
        d.at("who-holds-connections")
        pg_server.halt()
        try:
            d.wait(lambda: d.said("your place is kept"), "the walk to say the store is gone")
            d.type("1", "\r")
            d.wait(lambda: d.said("not recorded"), "the answer to be refused, plainly")
            assert session.walker.position(session.state) == "who-holds-connections"
        finally:
            pg_server.resume()
        d.wait(lambda: d.said("reachable again"), "the walk to notice the store is back")
        d.type("1", "\r")
        d.at("recent-deploy")

    drive(session, script)
    events = world.service.events(world.incident_id)
    answers = [e.payload["answer"] for e in events if e.type is EventType.NODE_ANSWERED]
    assert answers == ["at-limit", "one-service-over-its-pool"]
    assert world.service.store.verify(world.incident_id).ok
