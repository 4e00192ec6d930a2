"""Change-control rules: one change at a time, observe before the next, risky changes approved.

The approver is whoever holds the role the policy names for the current severity (the IC for
SEV-1/2 in the default policy), and never the change's owner, whoever types the command.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from runbook_engine.policy import Policy
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.refusal import Check, Refusal, missing, overridden_after
from runbook_engine.timeline.step_approval import step_approver_refusal
from runbook_engine.timeline.values import Change, IncidentState, severity_rule


def _proposed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    change_id = str(p["change_id"])
    if change_id in state.changes:
        return Refusal("duplicate_id", f"change {change_id} already exists", "use a new change id")
    if not p.get("risky"):
        return None
    if missing(p.get("hypothesis")):
        return Refusal(
            "risky_needs_hypothesis",
            f"risky change {change_id} does not say which hypothesis it tests",
            "state the hypothesis first, then propose the change with --hypothesis",
        )
    if missing(p.get("rollback")) and not p.get("irreversible"):
        return Refusal(
            "risky_needs_rollback",
            f"risky change {change_id} has no rollback",
            "give the rollback, or accept irreversibility explicitly (--irreversible)",
        )
    return None


def _requested(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    return _open_change(state, str(event.payload["change_id"]))[1]


def _granted(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change, refusal = _open_change(state, str(event.payload["change_id"]))
    if change is None:
        return refusal
    return _approver_refusal(state, change, event, policy)


def _denied(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change, refusal = _open_change(state, str(event.payload["change_id"]))
    if change is None:
        return refusal
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "a denial needs a reason", "say what would make it acceptable")
    return _approver_refusal(state, change, event, policy)


def _approver_refusal(
    state: IncidentState, change: Change, event: NewEvent, policy: Policy
) -> Refusal | None:
    """The decision must come from the policy's approver, who is not the change's owner."""
    by = str(event.payload["by"])
    role = _approver_role(state, policy)
    holder = state.roles.get(role)
    name = role_name(role)
    if change.owner in (by, event.actor.name):
        hint = (
            f"ask the {name} ({holder}) to decide"
            if holder and holder != change.owner
            else (
                f"as {name} you cannot approve your own change: let someone else own it, or hand {name} over"
            )
        )
        return Refusal(
            "self_approval",
            f"{change.owner} owns change {change.change_id} and cannot approve or deny it",
            hint,
        )
    if change.approvers:  # the runbook step names its own approvers
        return step_approver_refusal(state, change, by)
    if holder is None:
        return Refusal(
            "approver_missing",
            f"nobody holds the {role} role that approves changes at {state.severity}",
            f"assign {role} first (runbook incident assign {state.incident_id} {role} NAME)",
        )
    if holder != by:
        return Refusal(
            "not_approver",
            f"{by} is not the {role} ({holder}), who decides changes at {state.severity}",
            f"ask {holder}",
        )
    return None


def _started(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change_id = str(event.payload["change_id"])
    change = state.changes.get(change_id)
    if change is None:
        return _unknown(state, change_id)
    in_flight = state.change_in_flight
    if in_flight is not None:
        return Refusal(
            "one_change_in_flight",
            f"change {in_flight.change_id} ({in_flight.action}) is still in flight",
            "record its result first; one change at a time keeps cause and effect readable",
        )
    return _startable(change, state) or _observation_window(state, now, policy)


def _startable(change: Change, state: IncidentState) -> Refusal | None:
    if change.status == "denied":
        return Refusal(
            "denied",
            f"change {change.change_id} was denied: {change.denial_reason}",
            "propose a different change",
        )
    if change.status in ("in_flight", "done"):
        return Refusal(
            "already_started", f"change {change.change_id} was already started", "propose a new change"
        )
    if change.risky and change.status != "approved":
        return Refusal(
            "needs_approval",
            f"risky change {change.change_id} has not been approved",
            f"ask the approver to approve {change.change_id} (runbook incident approve)",
        )
    return None


def observation_ends_at(state: IncidentState, policy: Policy) -> datetime | None:
    """When the next change may start as far as observation goes: the last started change's
    start plus the policy's observation window for the current severity; None when nothing is
    being observed or the IC overrode the window after that change's result.

    Front ends that explain the rule ahead of time should use this, so they agree with `check`.
    """
    previous = state.last_started_change
    if previous is None or previous.started_at is None:
        return None
    if overridden_after(state, "observation_window", previous.result_seq):
        return None
    rule = severity_rule(policy, state.severity)
    return previous.started_at + timedelta(seconds=rule.observation_window_s if rule else 0)


def _observation_window(state: IncidentState, now: datetime, policy: Policy) -> Refusal | None:
    """The previous change must have been watched for the policy's window since it started."""
    ready = observation_ends_at(state, policy)
    previous = state.last_started_change
    if ready is None or previous is None or now >= ready:
        return None
    rule = severity_rule(policy, state.severity)
    window = rule.observation_window_s if rule else 0
    left = math.ceil((ready - now).total_seconds())
    return Refusal(
        "observation_window",
        f"change {previous.change_id} is still being observed: {left}s left of {window}s",
        "wait and watch its effect; the IC may override with a reason",
    )


def _result(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change_id = str(event.payload["change_id"])
    if state.in_flight_id != change_id:
        where = f"change {state.in_flight_id} is" if state.in_flight_id else "no change is"
        return Refusal(
            "not_in_flight", f"change {change_id} is not in flight ({where})", "start the change first"
        )
    if missing(event.payload.get("observation")):
        return Refusal(
            "observation_required", "a result needs the observation behind it", "say what the signal showed"
        )
    return None


def _command(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change_id = event.payload.get("change_id")
    if change_id is None or event.payload.get("dry_run"):
        return None
    if state.in_flight_id != change_id:
        return Refusal(
            "not_in_flight",
            f"command for change {change_id} but that change is not in flight",
            "start the change before running its command (or run it as a dry run)",
        )
    return None


def _open_change(state: IncidentState, change_id: str) -> tuple[Change | None, Refusal | None]:
    """A change that still awaits a decision, or the refusal saying why it does not."""
    change = state.changes.get(change_id)
    if change is None:
        return None, _unknown(state, change_id)
    if change.status != "proposed":
        return None, Refusal(
            "already_decided", f"change {change_id} is {change.status}", "propose a new change"
        )
    return change, None


def _unknown(state: IncidentState, change_id: str) -> Refusal:
    known = ", ".join(state.changes) or "none"
    return Refusal("unknown_change", f"no change {change_id}", f"known changes: {known}")


def _approver_role(state: IncidentState, policy: Policy) -> str:
    rule = severity_rule(policy, state.severity)
    return rule.approver_role if rule else "ic"


CHANGE_CHECKS: dict[EventType, Check] = {
    EventType.CHANGE_PROPOSED: _proposed,
    EventType.APPROVAL_REQUESTED: _requested,
    EventType.APPROVAL_GRANTED: _granted,
    EventType.APPROVAL_DENIED: _denied,
    EventType.CHANGE_STARTED: _started,
    EventType.CHANGE_RESULT: _result,
    EventType.COMMAND_RUN: _command,
}
