"""Fixtures for team-store tests: an incident on PostgreSQL worked by two database logins."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runbook_engine.format.library import load_runbook
from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.pg_store import PostgresStore
from runbook_engine.timeline.service import IncidentService
from tests.pg_server import TeamDatabase
from tests.walk.conftest import REDIS, World

ALICE_LOGIN, BOB_LOGIN = "rbtest_alice", "rbtest_bob"


@pytest.fixture
def team_world(team_db: TeamDatabase) -> Iterator[World]:
    """Bob (IC) opened the incident from his login; alice walks it from hers."""
    policy, clock = load_policy(), FakeClock()
    ic = Actor("bob", "bob-os", "laptop-b")
    alice = Actor("alice", "alice-os", "laptop-a")
    with PostgresStore(team_db.url_as(BOB_LOGIN), policy) as bobs:
        opened = IncidentService(bobs, policy, clock).open("Redis refusing connections", "SEV-2", "bob", ic)
    store = PostgresStore(team_db.url_as(ALICE_LOGIN), policy)
    service = IncidentService(store, policy, clock)
    runbook = load_runbook(REDIS)
    yield World(
        service, clock, policy, runbook, opened.incident_id, ic, alice,
        team_db.url_as(ALICE_LOGIN), team_db.url_as(BOB_LOGIN),
    )
    store.close()
