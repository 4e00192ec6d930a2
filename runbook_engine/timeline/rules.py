"""Incident command rules as pure checks over state: each refusal says why and what to do instead.

`check` is called by the store inside the append transaction, so its answer holds for the state
the event is actually appended to. Change-control rules are in `change_rules.py`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from runbook_engine.policy import Policy
from runbook_engine.timeline.authority import authority_refusal, no_ic_refusal, person_refusal
from runbook_engine.timeline.authority_rules import AUTHORITY_CHECKS
from runbook_engine.timeline.change_rules import CHANGE_CHECKS, observation_ends_at
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.post_rules import AFTER_RESOLVE_POSTS, POST_CHECKS
from runbook_engine.timeline.refusal import (
    Check,
    Refusal,
    RuleRefused,
    missing,
    overridden_after,
    refuse_if,
)
from runbook_engine.timeline.tasks import TASK_CHECKS
from runbook_engine.timeline.values import IncidentState, effective_policy, severity_rule

__all__ = [
    "AFTER_RESOLVE",
    "OVERRIDABLE",
    "Refusal",
    "RuleRefused",
    "check",
    "check_open",
    "monitoring_ends_at",
    "observation_ends_at",
    "refuse_if",
]

OVERRIDABLE = ("observation_window", "monitoring_window")
"""Rules an IC may set aside once with a logged `override` event; no other rule can be."""

AFTER_RESOLVE = frozenset(
    {
        EventType.NOTE,
        EventType.ACTION_ITEM,
        EventType.STATUS_UPDATE,
        EventType.REOPENED,
        EventType.FOLLOWUP_DECIDED,
        EventType.TASK_DONE,
    }
) | AFTER_RESOLVE_POSTS
"""What may still be logged on a resolved incident (follow-ups, not changes)."""


def check(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    """The first rule `event` breaks in `state` at `now`, or None when it may be appended.

    `policy` counts only for timelines opened before policies were pinned: the pinned one rules."""
    if event.type is EventType.INCIDENT_OPENED:
        return check_open(event, policy)
    policy = effective_policy(state, policy)
    if state.phase == "resolved" and event.type not in AFTER_RESOLVE:
        return Refusal(
            "incident_resolved",
            f"{state.incident_id} is resolved",
            f"reopen it with a reason first (runbook incident reopen {state.incident_id})",
        )
    rule = (
        _CHECKS.get(event.type)
        or CHANGE_CHECKS.get(event.type)
        or AUTHORITY_CHECKS.get(event.type)
        or TASK_CHECKS.get(event.type)
        or POST_CHECKS.get(event.type)
    )
    return rule(state, event, now, policy) if rule else None


def check_open(event: NewEvent, policy: Policy) -> Refusal | None:
    """A new incident needs a severity the policy knows, and a plain handle for its IC, if any."""
    severity = str(event.payload.get("severity", ""))
    if severity_rule(policy, severity) is None:
        known = ", ".join(policy.severities)
        return Refusal("unknown_severity", f"{severity!r} is not in the policy", f"use one of {known}")
    ic = event.payload.get("ic")
    return person_refusal(IncidentState(), policy, str(ic)) if ic else None


def _role_assigned(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    role, person = str(event.payload["role"]), str(event.payload["person"])
    holder = state.roles.get(role)
    if holder is not None and holder != person:
        return Refusal(
            "handover_needed",
            f"{role} is held by {holder}",
            f"hand it over with a reason (runbook incident handover ... {role} {person})",
        )
    if role == "ic" and state.ic is None:
        return person_refusal(state, policy, person)  # anyone may name the first IC
    refusal = no_ic_refusal(state, "assign roles") or authority_refusal(
        state, policy, "assign", event.actor.name, role=role
    )
    return refusal or person_refusal(state, policy, person)


def _handover(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    role, giver, taker = str(p["role"]), str(p["from"]), str(p["to"])
    refusal = authority_refusal(state, policy, "handover", event.actor.name, role=role)
    if refusal is not None and role == "ic":
        hint = f"{refusal.hint}; to take command from an absent IC: runbook incident take-command"
        hint += f" {state.incident_id} --reason WHY, confirmed by a second responder"
        return Refusal(refusal.rule, refusal.reason, hint)
    if refusal is not None:
        return refusal
    if missing(p.get("reason")):
        return Refusal(
            "reason_required", f"handing over {role} needs a reason", "say why, e.g. --reason 'end of shift'"
        )
    holder = state.roles.get(role)
    if holder != giver:
        who = holder or "nobody"
        return Refusal(
            "not_holder", f"{role} is held by {who}, not {giver}", "hand over from the current holder"
        )
    if giver == taker:
        return Refusal("same_person", f"{taker} already holds {role}", "hand it to someone else")
    return person_refusal(state, policy, taker)


def _severity(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    after = str(p["to"])
    refusal = no_ic_refusal(state, "change the severity") or authority_refusal(
        state, policy, "severity", event.actor.name
    )
    if refusal is not None:
        return refusal
    if missing(p.get("reason")):
        return Refusal(
            "reason_required",
            "a severity change needs a reason",
            "say why, e.g. --reason 'all regions affected'",
        )
    if severity_rule(policy, after) is None:
        return Refusal(
            "unknown_severity",
            f"{after!r} is not in the policy",
            "use one of " + ", ".join(policy.severities),
        )
    if str(p["from"]) != state.severity:
        return Refusal(
            "stale_severity",
            f"severity is {state.severity}, not {p['from']}",
            "retry against the current severity",
        )
    if after == state.severity:
        return Refusal("same_severity", f"severity is already {after}", "nothing to change")
    return None


def _hypothesis(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    hid = str(event.payload["id"])
    if hid in state.hypotheses:
        return Refusal("duplicate_id", f"hypothesis {hid} already exists", "use a new id")
    if not any(ch.isalnum() for ch in str(event.payload["text"])):
        return Refusal(
            "hypothesis_required", "a hypothesis must say something", "say what you think is wrong and why"
        )
    return None


def _hypothesis_dropped(
    state: IncidentState, event: NewEvent, now: datetime, policy: Policy
) -> Refusal | None:
    hid = str(event.payload["id"])
    known = state.hypotheses.get(hid)
    if known is None or not known.active:
        active = ", ".join(h.id for h in state.active_hypotheses) or "none"
        return Refusal("unknown_hypothesis", f"no active hypothesis {hid}", f"active hypotheses: {active}")
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "dropping a hypothesis needs a reason", "say what ruled it out")
    return None


def _node_answered(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    walk = state.walk(str(p["walker"]), str(p["runbook"]))
    position = walk.position if walk else None
    if position != p["node"]:
        where = f"at {position}" if position else "not in this runbook"
        return Refusal(
            "not_at_node",
            f"{p['walker']} is {where}, not at {p['node']}",
            "enter the node before answering it",
        )
    return None


def _mitigated(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    refusal = authority_refusal(state, policy, "mitigate", event.actor.name)
    if refusal is not None:
        return refusal
    if state.phase != "open":
        return Refusal("wrong_phase", f"the incident is already {state.phase}", "nothing to mitigate")
    in_flight = state.change_in_flight
    if in_flight is not None:
        return Refusal(
            "change_in_flight",
            f"change {in_flight.change_id} has no recorded result yet",
            f"record its result first (helped, no_change or worse) for {in_flight.change_id}",
        )
    return None


def _monitoring(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    if state.phase != "mitigated":
        return Refusal(
            "wrong_phase",
            f"monitoring starts after mitigation; the incident is {state.phase}",
            "mark it mitigated first",
        )
    return None


def _resolved(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    """The IC resolves; `--override REASON` sets aside only the monitoring window (docs/timeline.md):
    a change in flight, no mitigation, or a change that made things worse still refuse."""
    refusal = no_ic_refusal(state, "resolve the incident") or authority_refusal(
        state, policy, "resolve", event.actor.name
    )
    if refusal is not None:
        return refusal
    if state.change_in_flight is not None:
        return Refusal(
            "change_in_flight", f"change {state.in_flight_id} has no result yet", "record its result first"
        )
    overriding = not missing(event.payload.get("override_reason"))
    return _monitoring_window(state, now, policy, overriding)


def _monitoring_window(
    state: IncidentState, now: datetime, policy: Policy, overriding: bool = False
) -> Refusal | None:
    """Mitigated, nothing worse since, and watched for the window (policy's or the node's, longer);
    an override sets the window alone aside."""
    if state.mitigated_at is None:
        return Refusal(
            "not_mitigated",
            "the incident is not mitigated",
            "mark it mitigated, then watch it for the monitoring window",
        )
    worse = state.worse_since_mitigation
    if worse:
        return Refusal(
            "worse_since_mitigation",
            f"change {worse[-1].change_id} made things worse after mitigation",
            "keep working the incident: an override sets aside only the monitoring window",
        )
    ready = monitoring_ends_at(state, policy)
    if overriding or ready is None or now >= ready:
        return None
    window = _monitoring_window_s(state, policy)
    left = math.ceil((ready - now).total_seconds())
    since = ready - timedelta(seconds=window)
    return Refusal(
        "monitoring_window",
        f"monitoring window not over: {left}s left of {window}s since {since:%H:%M} UTC",
        "keep watching the signals; the IC may override with a reason",
    )


def monitoring_ends_at(state: IncidentState, policy: Policy) -> datetime | None:
    """When the monitoring window ends: from monitoring start (or mitigation), the longer of the
    policy's window and the one given when monitoring started. None when not mitigated or the IC
    overrode the window after the mitigation."""
    since = state.monitoring_started_at or state.mitigated_at
    if since is None or overridden_after(state, "monitoring_window", state.mitigated_seq):
        return None
    return since + timedelta(seconds=_monitoring_window_s(state, policy))


def _monitoring_window_s(state: IncidentState, policy: Policy) -> int:
    rule = severity_rule(policy, state.severity)
    return max(rule.monitoring_window_s if rule else 0, state.monitoring_window_s or 0)


def _reopened(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    refusal = authority_refusal(state, policy, "reopen", event.actor.name)
    if refusal is not None and state.ic is not None:
        return refusal
    if state.phase != "resolved":
        return Refusal("wrong_phase", f"the incident is {state.phase}, not resolved", "nothing to reopen")
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "reopening needs a reason", "say what came back")
    return None


def _override(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    rule = str(event.payload["rule"])
    refusal = no_ic_refusal(state, "override a rule") or authority_refusal(
        state, policy, "override", event.actor.name
    )
    if refusal is not None:
        return refusal
    if rule not in OVERRIDABLE:
        return Refusal(
            "not_overridable", f"rule {rule!r} cannot be overridden", "overridable: " + ", ".join(OVERRIDABLE)
        )
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "an override needs a reason", "say why the rule does not fit")
    return None


_CHECKS: dict[EventType, Check] = {
    EventType.ROLE_ASSIGNED: _role_assigned,
    EventType.ROLE_HANDED_OVER: _handover,
    EventType.SEVERITY_CHANGED: _severity,
    EventType.HYPOTHESIS_STATED: _hypothesis,
    EventType.HYPOTHESIS_DROPPED: _hypothesis_dropped,
    EventType.NODE_ANSWERED: _node_answered,
    EventType.MITIGATED: _mitigated,
    EventType.MONITORING_STARTED: _monitoring,
    EventType.RESOLVED: _resolved,
    EventType.REOPENED: _reopened,
    EventType.OVERRIDE: _override,
}
