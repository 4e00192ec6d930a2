"""Incident command rules as pure checks over state: each refusal says why and what to do instead.

`check` is called by the store inside the append transaction, so its answer holds for the state
the event is actually appended to. Change-control rules are in `change_rules.py`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from runbook_engine.policy import Policy
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
from runbook_engine.timeline.values import IncidentState, severity_rule

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
    {EventType.NOTE, EventType.ACTION_ITEM, EventType.STATUS_UPDATE, EventType.REOPENED}
) | AFTER_RESOLVE_POSTS
"""What may still be logged on a resolved incident (follow-ups, not changes)."""


def check(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    """The first rule `event` breaks in `state` at `now`, or None when it may be appended."""
    if event.type is EventType.INCIDENT_OPENED:
        return check_open(event, policy)
    if state.phase == "resolved" and event.type not in AFTER_RESOLVE:
        return Refusal(
            "incident_resolved",
            f"{state.incident_id} is resolved",
            f"reopen it with a reason first (runbook incident reopen {state.incident_id})",
        )
    rule = _CHECKS.get(event.type) or CHANGE_CHECKS.get(event.type) or POST_CHECKS.get(event.type)
    return rule(state, event, now, policy) if rule else None


def check_open(event: NewEvent, policy: Policy) -> Refusal | None:
    """A new incident needs a severity the policy knows."""
    severity = str(event.payload.get("severity", ""))
    if severity_rule(policy, severity) is None:
        known = ", ".join(policy.severities)
        return Refusal("unknown_severity", f"{severity!r} is not in the policy", f"use one of {known}")
    return None


def _is_ic(state: IncidentState, name: str) -> bool:
    return state.ic == name


def _role_assigned(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    role, person = str(event.payload["role"]), str(event.payload["person"])
    holder = state.roles.get(role)
    if holder is not None and holder != person:
        return Refusal(
            "handover_needed",
            f"{role} is held by {holder}",
            f"hand it over with a reason (runbook incident handover ... {role} {person})",
        )
    return None


def _handover(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    role, giver, taker = str(p["role"]), str(p["from"]), str(p["to"])
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
    return None


def _severity(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    after = str(p["to"])
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
    reason = str(event.payload.get("override_reason") or "").strip()
    if reason:
        if not _is_ic(state, event.actor.name):
            return Refusal(
                "ic_only", "only the IC can override the resolve rules", f"ask {state.ic} to resolve"
            )
        return None
    if state.change_in_flight is not None:
        return Refusal(
            "change_in_flight", f"change {state.in_flight_id} has no result yet", "record its result first"
        )
    return _monitoring_window(state, now, policy)


def _monitoring_window(state: IncidentState, now: datetime, policy: Policy) -> Refusal | None:
    """Mitigated, nothing worse since, and watched for the window (policy's or the node's, longer)."""
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
            "keep working the incident, or the IC may resolve with an override reason",
        )
    ready = monitoring_ends_at(state, policy)
    if ready is None or now >= ready:
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
    if state.phase != "resolved":
        return Refusal("wrong_phase", f"the incident is {state.phase}, not resolved", "nothing to reopen")
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "reopening needs a reason", "say what came back")
    return None


def _override(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    rule = str(event.payload["rule"])
    if not _is_ic(state, event.actor.name):
        return Refusal("ic_only", f"only the IC ({state.ic}) can override a rule", f"ask {state.ic}")
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
