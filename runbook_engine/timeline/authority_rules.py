"""Rules for the authority events: taking command from an absent IC (claimed, then confirmed by a
second responder), handing a change's ownership over, the IC classifying an ad-hoc change, and
the IC replacing the pinned policy."""

from __future__ import annotations

from datetime import datetime

from runbook_engine.policy import Policy
from runbook_engine.timeline.authority import authority_refusal, no_ic_refusal, person_refusal
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.four_eyes import ic_acting_refusal
from runbook_engine.timeline.refusal import Check, Refusal, missing
from runbook_engine.timeline.values import IncidentState


def _claimed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    who = event.actor.name
    if state.ic is None:
        return Refusal(
            "no_ic",
            "nobody holds command, so there is none to take",
            f"take it: runbook incident assign {state.incident_id} ic {who}",
        )
    if state.ic == who:
        return Refusal("same_person", f"{who} is already the IC", "nothing to take")
    if missing(event.payload.get("reason")):
        return Refusal(
            "reason_required",
            "taking command needs a reason",
            "say why the IC is absent, e.g. 'no answer for 10 min'",
        )
    return None


def _confirmed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    claim, who = state.claim, event.actor.name
    claimant = str(event.payload["claimant"])
    if claim is None or claim.claimant != claimant:
        pending = f"{claim.claimant} claims it" if claim else "no claim is pending"
        return Refusal(
            "no_claim", f"{claimant} has not claimed command ({pending})", "claim it first (take-command)"
        )
    if who == claim.claimant:
        return Refusal(
            "second_responder",
            f"{who} claimed command and may not confirm their own claim",
            "who may: any other responder",
        )
    return None


def _owner_changed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    change_id, to = str(p["change_id"]), str(p["to"])
    change = state.changes.get(change_id)
    if change is None:
        return Refusal(
            "unknown_change",
            f"no change {change_id}",
            "known changes: " + (", ".join(state.changes) or "none"),
        )
    refusal = authority_refusal(state, policy, "change_owner", event.actor.name, change=change)
    if refusal is not None:
        return refusal
    if str(p["from"]) != change.owner or to == change.owner:
        return Refusal("same_person", f"{change.owner} owns change {change_id}", "hand it to someone else")
    if change.status in ("done", "denied"):
        return Refusal("already_decided", f"change {change_id} is {change.status}", "nothing to hand over")
    if missing(p.get("reason")):
        return Refusal("reason_required", "handing a change over needs a reason", "say why")
    decided = change.approved_by if change.status != "proposed" else None
    if decided == to:
        return Refusal(
            "four_eyes",
            f"{to} approved change {change_id} and may not own it",
            "who may: anyone but the approver",
        )
    return person_refusal(state, policy, to) or ic_acting_refusal(state, to, change_id, change.risky)


def _classified(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    change_id = str(p["change_id"])
    change = state.changes.get(change_id)
    if change is None:
        return Refusal(
            "unknown_change",
            f"no change {change_id}",
            "known changes: " + (", ".join(state.changes) or "none"),
        )
    refusal = no_ic_refusal(state, "classify a change") or authority_refusal(
        state, policy, "classify", event.actor.name, change=change
    )
    if refusal is not None:
        return refusal
    if change.node:
        return Refusal(
            "node_risk",
            f"change {change_id} comes from runbook node {change.node}, whose risk stands",
            "change the runbook to change a node's risk",
        )
    if change.status != "proposed":
        return Refusal(
            "already_decided", f"change {change_id} is {change.status}", "classify before it is decided"
        )
    if missing(p.get("reason")):
        return Refusal("reason_required", "a classification needs a reason", "say why it is safe (or risky)")
    return None


def _policy_changed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    refusal = no_ic_refusal(state, "change the policy") or authority_refusal(
        state, policy, "policy", event.actor.name
    )
    if refusal is not None:
        return refusal
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "a policy change needs a reason", "say why the incident needs it")
    if policy.digest and event.payload["digest"] == policy.digest:
        return Refusal("same_policy", "the incident already runs on this policy", "nothing to change")
    return None


AUTHORITY_CHECKS: dict[EventType, Check] = {
    EventType.COMMAND_CLAIMED: _claimed,
    EventType.COMMAND_CONFIRMED: _confirmed,
    EventType.CHANGE_OWNER_CHANGED: _owner_changed,
    EventType.CHANGE_CLASSIFIED: _classified,
    EventType.POLICY_CHANGED: _policy_changed,
}
