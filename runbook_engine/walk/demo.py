"""`runbook walk --demo`: a throw-away incident whose IC is a clearly labelled simulated actor.

Nobody may approve their own risky change, so a person trying the product alone needs someone
else to approve. The simulated IC runs in its own thread with its own store connection, notices
approval requests by polling the timeline like any other terminal, and approves after a short
delay; every event it appends carries its name, `demo-ic-simulated`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from runbook_engine.errors import Refused
from runbook_engine.format.model import Runbook
from runbook_engine.policy import Policy, policy_from_data
from runbook_engine.timeline.clock import Clock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.service import IncidentService

DEMO_IC = "demo-ic-simulated"
APPROVAL_DELAY_S = 3.0
DEMO_OBSERVATION_S = 10
DEMO_MONITORING_S = 30


def demo_policy(policy: Policy) -> Policy:
    """The same policy with windows short enough to finish a demo in a couple of minutes (as data,
    so the demo incident pins it like any other).

    The IC approves at every severity: at SEV-3/4 the bundled policy names the service owner,
    a role nobody holds in a demo, so the simulated IC could never approve."""
    windows = {"observation_window": f"{DEMO_OBSERVATION_S}s", "monitoring_window": f"{DEMO_MONITORING_S}s"}
    data = dict(policy.data)
    data["severities"] = {
        name: {**rule, **windows, "approver_role": "ic"} for name, rule in data["severities"].items()
    }
    return policy_from_data(data)


def demo_runbook(runbook: Runbook) -> Runbook:
    """The runbook with its resolve nodes' own monitoring windows dropped, as the policy's are."""
    nodes = {
        node_id: replace(node, monitoring_s=None) if node.kind == "resolve" else node
        for node_id, node in runbook.nodes.items()
    }
    return replace(runbook, nodes=nodes)


def demo_actor() -> Actor:
    return Actor.current(DEMO_IC)


def find_or_open(service: IncidentService, runbook: Runbook, walker: Actor) -> str:
    """Resume this runbook's open demo incident, or open a new one led by the simulated IC."""
    for summary in reversed(service.incidents()):
        state = service.state(summary.incident_id)
        if state.phase != "resolved" and state.ic == DEMO_IC and state.runbook == runbook.id:
            return summary.incident_id
    ic = demo_actor()
    severity = runbook.default_severity if runbook.default_severity in service.policy.severities else "SEV-2"
    title = f"DEMO {runbook.symptom.summary or runbook.title}"
    opened = service.open(
        title, severity, DEMO_IC, ic, runbook=runbook.id, service=runbook.service or None, demo=True
    )
    service.note(
        opened.incident_id,
        f"Demo incident for @{walker.name}. {DEMO_IC} is a simulated IC: it approves risky changes "
        f"{APPROVAL_DELAY_S:.0f} s after they are requested. Windows are shortened for the demo.",
        ic,
    )
    return opened.incident_id


class SimulatedIC(threading.Thread):
    """Approves pending approval requests after a delay, from its own connection to the store."""

    def __init__(
        self,
        store: str | Path,
        policy: Policy,
        clock: Clock,
        incident_id: str,
        delay_s: float = APPROVAL_DELAY_S,
        poll_s: float = 0.5,
    ) -> None:
        super().__init__(name="demo-ic", daemon=True)
        self.location = store
        self.policy = policy
        self.clock = clock
        self.incident_id = incident_id
        self.delay_s = delay_s
        self.poll_s = poll_s
        self.stopping = threading.Event()
        self.failure: Exception | None = None
        """What stopped the thread early; the walk reports it after the screen closes."""
        self._seen: dict[str, float] = {}
        self._refused: set[str] = set()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)

    def run(self) -> None:
        store = open_store(self.location, self.policy, create=True)
        service = IncidentService(store, self.policy, self.clock)
        actor = demo_actor()
        try:
            while not self.stopping.wait(self.poll_s):
                self._approve_due(service, actor)
        except Exception as exc:  # a thread's traceback would be painted over the walk screen
            self.failure = exc
        finally:
            store.close()

    def _approve_due(self, service: IncidentService, actor: Actor) -> None:
        state = service.state(self.incident_id)
        for change in state.pending_approvals:
            first_seen = self._seen.setdefault(change.change_id, time.monotonic())
            if time.monotonic() - first_seen < self.delay_s or state.ic != DEMO_IC:
                continue
            if change.owner == DEMO_IC or change.change_id in self._refused:
                continue
            self._approve(service, actor, change.change_id)

    def _approve(self, service: IncidentService, actor: Actor, change_id: str) -> None:
        """Approve, or say once in the timeline why the rules refused (e.g. a policy naming
        another approver role), so the person walking sees it instead of waiting forever."""
        try:
            service.approve(
                self.incident_id,
                change_id,
                actor,
                reason="simulated approval: the demo IC checked the gate (hypothesis, rollback)",
            )
        except Refused as exc:
            self._refused.add(change_id)
            service.note(self.incident_id, f"{DEMO_IC} cannot approve {change_id}: {exc.message}", actor)
