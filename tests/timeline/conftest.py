"""Fixtures for timeline tests: a fake clock, a store in tmp_path, a service and named actors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_engine.policy import Policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore, Store
from tests.pg_server import TeamDatabase

ALICE = Actor("alice", "alice-os", "laptop-a")
BOB = Actor("bob", "bob-os", "laptop-b")
CAROL = Actor("carol", "carol-os", "laptop-c")
DAVE = Actor("dave", "dave-os", "laptop-d")


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "incidents.db"


@pytest.fixture
def store(store_path: Path, policy: Policy) -> Iterator[SqliteStore]:
    with SqliteStore(store_path, policy) as opened:
        yield opened


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, store_path: Path) -> str:
    """Where a contract test's store is: a SQLite file, or a fresh team database on PostgreSQL."""
    if request.param == "sqlite":
        return str(store_path)
    team: TeamDatabase = request.getfixturevalue("team_db")
    return team.url_as()


@pytest.fixture
def any_store(location: str, policy: Policy) -> Iterator[Store]:
    """The store at `location`, for tests every store must pass (the Store contract)."""
    with open_store(location, policy, create=True) as opened:
        yield opened


@pytest.fixture
def svc(store: SqliteStore, policy: Policy, clock: FakeClock) -> IncidentService:
    return IncidentService(store, policy, clock)


@pytest.fixture
def incident(svc: IncidentService) -> str:
    """A SEV-2 incident with bob as IC, opened by alice."""
    return svc.open("Checkout errors above 5%", "SEV-2", "bob", ALICE, service="checkout").incident_id
