"""Fixtures for walk tests: a real SQLite store in tmp_path, a fake clock and an open incident."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_engine.format.library import load_runbook
from runbook_engine.format.model import Runbook
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.walker import Walker

REPO = Path(__file__).resolve().parents[2]
REDIS = REPO / "runbooks" / "redis-max-connections.yaml"


@dataclass
class World:
    service: IncidentService
    clock: FakeClock
    policy: Policy
    runbook: Runbook
    incident_id: str
    ic: Actor
    alice: Actor
    location: str
    """The store: a SQLite file here, a team database in tests/team."""
    ic_location: str | None = None
    """Where the IC works from, when not the same login as the walker (tests/team)."""

    def walker(self, actor: Actor | None = None) -> Walker:
        return Walker(self.runbook, actor or self.alice, self.policy)

    def session(self, actor: Actor | None = None, **options: bool) -> WalkSession:
        return WalkSession(self.service, self.incident_id, self.walker(actor), self.clock, **options)

    def other_terminal(self) -> IncidentService:
        """A service over a connection of its own, as another process would have."""
        return IncidentService(open_store(self.location, self.policy), self.policy, self.clock)

    def approve(self, change_id: str) -> None:
        """Approve as the IC through a connection of its own (safe from any thread)."""
        with open_store(self.ic_location or self.location, self.policy) as store:
            IncidentService(store, self.policy, self.clock).approve(self.incident_id, change_id, self.ic)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    policy = load_policy()
    clock = FakeClock()
    store = SqliteStore(tmp_path / "incidents.db", policy)
    service = IncidentService(store, policy, clock)
    ic = Actor("bob", "bob-account", "host-b")
    alice = Actor("alice", "alice-account", "host-a")
    opened = service.open("Redis refusing connections", "SEV-2", "bob", ic)
    runbook = load_runbook(REDIS)
    location = str(tmp_path / "incidents.db")
    yield World(service, clock, policy, runbook, opened.incident_id, ic, alice, location)
    store.close()
