"""A service on a fake clock over a store in tmp_path, with the test policy's channels."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from runbook_engine.cli.incident import post_draft
from runbook_engine.comms import DraftInputs, build_draft, default_kind
from runbook_engine.comms.outbox import Sender, Sent, flush
from runbook_engine.comms.retry import RetryPolicy
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, Event
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.comms.conftest import write_policy
from tests.comms.receiver import Receiver

LEE = Actor("lee", "lee", "lee-laptop")
ALL_CHANNELS = ("exec-slack", "support-teams", "status-bridge", "ic-room")


@dataclass
class Desk:
    """One responder's terminal: service, clock, and a sender whose waits are recorded, not slept."""

    service: IncidentService
    clock: FakeClock
    waits: list[float] = field(default_factory=list)
    attempts: int = 3
    timeout_s: float = 0.3

    @property
    def policy(self) -> Policy:
        return self.service.policy

    def sender(self) -> Sender:
        retry = RetryPolicy(attempts=self.attempts)
        return replace(Sender(), retry=retry, sleep=self.waits.append, timeout_s=self.timeout_s)

    def open(self, severity: str = "SEV-1") -> str:
        return self.service.open("Checkout payment timeouts", severity, "lee", LEE).incident_id

    def update(
        self, incident: str, channels: tuple[str, ...] = ALL_CHANNELS, inputs: DraftInputs | None = None
    ) -> Event:
        state, now = self.service.state(incident), self.clock.now()
        draft = build_draft(state, self.policy, now, default_kind(state), inputs or DraftInputs())
        return post_draft(self.service, incident, draft, LEE, post_to=channels)

    def flush(self, incident: str, *, force: bool = False) -> list[Sent]:
        return flush(self.service, incident, LEE, self.sender(), force=force)


def desk(
    tmp_path: Path,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    *,
    timeout_s: float = 0.3,
    clock: FakeClock | None = None,
) -> Desk:
    """A desk whose requests time out after `timeout_s` (stalls cost the test only that)."""
    policy = load_policy(write_policy(tmp_path, receiver, monkeypatch))
    clock = clock or FakeClock()
    store = SqliteStore(tmp_path / "incidents.db", policy)
    return Desk(IncidentService(store, policy, clock), clock, timeout_s=timeout_s)
