"""Helpers for replaying incidents through the real service on a fake clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from runbook_engine.cli.incident import post_draft
from runbook_engine.comms import DraftInputs, StatusDraft, build_draft, with_last_impact
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore


@dataclass
class Replay:
    """A service on a fake clock over a fresh store, with the day the incident happens."""

    service: IncidentService
    clock: FakeClock
    policy: Policy
    day: date

    def time(self, hhmm: str) -> datetime:
        """`hhmm` UTC on the incident's day."""
        hour, minute = (int(part) for part in hhmm.split(":"))
        return datetime(self.day.year, self.day.month, self.day.day, hour, minute, tzinfo=timezone.utc)

    def at(self, hhmm: str) -> datetime:
        """Move the clock to `hhmm` UTC of the incident's day and return that time."""
        self.clock.set(self.time(hhmm))
        return self.clock.now()

    def post(self, incident: str, by: Actor, kind: str, inputs: DraftInputs) -> StatusDraft:
        """Draft a status update from the current state and post it, as `incident update` does."""
        state = self.service.state(incident)
        inputs = with_last_impact(inputs, self.service.events(incident))
        draft = build_draft(state, self.policy, self.clock.now(), kind, inputs)
        post_draft(self.service, incident, draft, by)
        return draft


def new_replay(tmp_path: Path, day: date) -> Replay:
    policy = load_policy()
    clock = FakeClock(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
    store = SqliteStore(tmp_path / "incidents.db", policy)
    return Replay(IncidentService(store, policy, clock), clock, policy, day)


def person(name: str) -> Actor:
    """A responder on their own OS account and laptop."""
    return Actor(name=name, account=name, host=f"{name}-laptop")
