"""The incident service's acts of command and authority: taking command from an absent IC, a
change's owner and risk, and replacing the pinned policy (mixed into `IncidentService`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from runbook_engine.identity import normalise
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent, iso_utc
from runbook_engine.timeline.values import IncidentState

Builder = Callable[[IncidentState], NewEvent]


class AuthorityActions:
    """Needs `_append` and `_append_built` from the service it is mixed into."""

    def _append(self, incident_id: str, event_type: EventType, actor: Actor, **payload: Any) -> Event:
        raise NotImplementedError

    def _append_built(self, incident_id: str, new: NewEvent | Builder) -> Event:
        raise NotImplementedError

    def take_command(self, incident_id: str, reason: str, actor: Actor) -> Event:
        """Claim command from an absent IC; a second responder's `confirm_command` completes it."""
        return self._append(incident_id, EventType.COMMAND_CLAIMED, actor, reason=reason)

    def confirm_command(self, incident_id: str, claimant: str, actor: Actor) -> Event:
        claimant = normalise(claimant)
        return self._append(incident_id, EventType.COMMAND_CONFIRMED, actor, claimant=claimant)

    def hand_change(self, incident_id: str, change_id: str, to: str, reason: str, actor: Actor) -> Event:
        """Hand a change's ownership over (its owner or the IC, by default)."""

        def build(state: IncidentState) -> NewEvent:
            change = state.changes.get(change_id)
            owner = change.owner if change else "?"
            payload = {"change_id": change_id, "from": owner, "to": normalise(to), "reason": reason}
            return NewEvent(EventType.CHANGE_OWNER_CHANGED, actor, payload)

        return self._append_built(incident_id, build)

    def classify(self, incident_id: str, change_id: str, risk: str, reason: str, actor: Actor) -> Event:
        """The IC's logged call that an ad-hoc change is `safe` (or `risky`)."""
        return self._append(
            incident_id, EventType.CHANGE_CLASSIFIED, actor, change_id=change_id, risk=risk, reason=reason
        )

    def change_policy(self, incident_id: str, policy: Policy, reason: str, actor: Actor) -> Event:
        """The IC replaces the incident's pinned policy (content and hash logged)."""
        payload = {"digest": policy.digest, "data": dict(policy.data), "reason": reason}
        return self._append(incident_id, EventType.POLICY_CHANGED, actor, **payload)

    def assign_task(
        self, incident_id: str, text: str, owner: str, eta: datetime, actor: Actor, task_id: str | None = None
    ) -> Event:
        """Delegate work to `owner` with an ETA (`T<n>` unless an id is given); it counts as
        delegated once the owner acknowledges it."""

        def build(state: IncidentState) -> NewEvent:
            tid = task_id or f"T{len(state.tasks) + 1}"
            payload = {"task_id": tid, "text": text, "owner": normalise(owner), "eta": iso_utc(eta)}
            return NewEvent(EventType.TASK_ASSIGNED, actor, payload)

        return self._append_built(incident_id, build)

    def ack_task(self, incident_id: str, task_id: str, actor: Actor) -> Event:
        return self._append(incident_id, EventType.TASK_ACKED, actor, task_id=task_id)

    def finish_task(
        self, incident_id: str, task_id: str, actor: Actor, outcome: str = "done", note: str = ""
    ) -> Event:
        """Close a task as `done` or `dropped` (its owner, or the IC)."""
        return self._append(
            incident_id, EventType.TASK_DONE, actor, task_id=task_id, outcome=outcome, note=note
        )

    def decide_followup(
        self, incident_id: str, key: str, decision: str, actor: Actor, reason: str = ""
    ) -> Event:
        """Accept or dismiss a suggested follow-up (`timeline.followups`), logged."""
        payload = {"key": key, "decision": decision, "reason": reason}
        return self._append(incident_id, EventType.FOLLOWUP_DECIDED, actor, **payload)
