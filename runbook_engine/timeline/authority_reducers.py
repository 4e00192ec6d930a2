"""How authority events change the state: command claimed and confirmed, a change's owner or
risk decided, the pinned policy replaced."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from runbook_engine.timeline.change_reducers import Reducer
from runbook_engine.timeline.events import Event, EventType
from runbook_engine.timeline.values import CommandClaim, IncidentState, PinnedPolicy, RoleChange, evolve


def pin(digest: str, data: Mapping[str, Any]) -> PinnedPolicy:
    """The pinned policy of an event's payload, checked now so a bad one fails the fold here."""
    pinned = PinnedPolicy(digest, json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    pinned.policy  # noqa: B018 - raises ValueError for a policy that cannot be used
    return pinned


def _claimed(state: IncidentState, event: Event) -> IncidentState:
    claim = CommandClaim(event.seq, event.at, event.actor.name, str(event.payload["reason"]))
    return evolve(state, claim=claim)


def _confirmed(state: IncidentState, event: Event) -> IncidentState:
    claim = state.claim
    if claim is None:
        return state
    why = f"took command from an absent IC: {claim.reason}; confirmed by {event.actor.name}"
    record = RoleChange(event.seq, event.at, "ic", claim.claimant, state.ic, event.actor.name, why)
    return evolve(
        state,
        roles={**state.roles, "ic": claim.claimant},
        role_history=(*state.role_history, record),
        claim=None,
        ic_since=state.ic_since or event.at,
    )


def _owner_changed(state: IncidentState, event: Event) -> IncidentState:
    change = state.changes.get(str(event.payload["change_id"]))
    if change is None:
        return state
    moved = replace(change, owner=str(event.payload["to"]))
    return evolve(state, changes={**state.changes, moved.change_id: moved})


def _classified(state: IncidentState, event: Event) -> IncidentState:
    change = state.changes.get(str(event.payload["change_id"]))
    if change is None:
        return state
    decided = replace(change, risky=event.payload["risk"] == "risky", risk_source="classified")
    return evolve(state, changes={**state.changes, decided.change_id: decided})


def _policy_changed(state: IncidentState, event: Event) -> IncidentState:
    return evolve(state, pinned=pin(str(event.payload["digest"]), event.payload["data"]))


AUTHORITY_REDUCERS: dict[EventType, Reducer] = {
    EventType.COMMAND_CLAIMED: _claimed,
    EventType.COMMAND_CONFIRMED: _confirmed,
    EventType.CHANGE_OWNER_CHANGED: _owner_changed,
    EventType.CHANGE_CLASSIFIED: _classified,
    EventType.POLICY_CHANGED: _policy_changed,
}
