"""Change-control rules: one change at a time, observe before the next, risky changes approved.

Who decides a risky change is in `four_eyes.py`; who may start it or record its result comes from
the policy's authority table (its owner by default). Risk is never self-declared: a change from a
runbook node carries the node's risk, and an ad-hoc change is risky until the IC classifies it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from runbook_engine.policy import Policy
from runbook_engine.timeline.authority import authority_refusal, person_refusal
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.four_eyes import decision_refusal, four_eyes_refusal, ic_acting_refusal
from runbook_engine.timeline.refusal import Check, Refusal, missing, overridden_after
from runbook_engine.timeline.step_approval import step_approver_refusal
from runbook_engine.timeline.values import Change, IncidentState, severity_rule


def is_sentence(text: str) -> bool:
    """At least two words with a letter or digit in each: `.` or `x` is not a hypothesis."""
    return len([word for word in text.split() if any(ch.isalnum() for ch in word)]) >= 2


def hypothesis_refusal(state: IncidentState, text: str) -> Refusal | None:
    """A change's hypothesis is a stated hypothesis's id or a sentence, never bare punctuation."""
    text = text.strip()
    known = state.hypotheses.get(text)
    if known is not None and known.active:
        return None
    if known is None and is_sentence(text):
        return None
    why = f"hypothesis {text} was dropped" if known else f"{text!r} is neither a hypothesis id nor a sentence"
    ids = ", ".join(h.id for h in state.active_hypotheses) or "none yet"
    return Refusal(
        "hypothesis_required", why, f"give an active hypothesis id ({ids}) or say it in a sentence"
    )


def _proposed(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    change_id, owner, risky = str(p["change_id"]), str(p["owner"]), bool(p.get("risky"))
    if change_id in state.changes:
        return Refusal("duplicate_id", f"change {change_id} already exists", "use a new change id")
    refusal = (
        person_refusal(state, policy, owner)
        or _self_declared_safe(p, change_id)
        or ic_acting_refusal(state, owner, change_id, risky)
    )
    if refusal is not None or not risky:
        return refusal
    if p.get("risk_source") != "ad_hoc":
        return _risky_needs(state, p, change_id)
    return hypothesis_refusal(state, str(p["hypothesis"])) if str(p.get("hypothesis") or "").strip() else None


def _self_declared_safe(p: Mapping[str, Any], change_id: str) -> Refusal | None:
    if p.get("risky") or p.get("node"):
        return None
    return Refusal(
        "risk_not_self_declared",
        f"ad-hoc change {change_id} cannot be declared safe by whoever proposes it",
        "propose it (it counts as risky); the IC may classify it safe: "
        f"runbook incident classify ID {change_id} safe --reason WHY",
    )


def _risky_needs(state: IncidentState, p: Mapping[str, Any], change_id: str) -> Refusal | None:
    """A risky change names the hypothesis it tests and how to undo it (seed 000's rules)."""
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
    return hypothesis_refusal(state, str(p["hypothesis"]))


def _requested(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    return _open_change(state, str(event.payload["change_id"]))[1]


def _granted(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change, refusal = _open_change(state, str(event.payload["change_id"]))
    if change is None:
        return refusal
    return _decision(state, change, event, policy) or _risky_needs(
        state, {"hypothesis": change.hypothesis, "rollback": change.rollback,
                "irreversible": change.irreversible}, change.change_id
    )


def _denied(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change, refusal = _open_change(state, str(event.payload["change_id"]))
    if change is None:
        return refusal
    if missing(event.payload.get("reason")):
        return Refusal("reason_required", "a denial needs a reason", "say what would make it acceptable")
    return _decision(state, change, event, policy)


def _decision(state: IncidentState, change: Change, event: NewEvent, policy: Policy) -> Refusal | None:
    """Four eyes: the decider is the approver (or fallback) and nobody who proposed, owns or started it."""
    by = str(event.payload["by"])
    if by != event.actor.name:
        return Refusal(
            "decide_as_yourself",
            f"{event.actor.name} may not record a decision on behalf of {by}",
            f"{by} decides with their own account",
        )
    barred = four_eyes_refusal(state, change, by, policy)
    if barred is not None:
        return barred
    if change.approvers:  # the runbook step names its own approvers
        return step_approver_refusal(state, change, by)
    return decision_refusal(state, change, by, policy)


def _started(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    change_id = str(event.payload["change_id"])
    change = state.changes.get(change_id)
    if change is None:
        return _unknown(state, change_id)
    who = event.actor.name
    refusal = ic_acting_refusal(state, who, change_id, change.risky) or authority_refusal(
        state, policy, "start", who, change=change
    )
    if refusal is not None:
        return refusal
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
        adhoc = " (an ad-hoc change counts as risky until the IC classifies it safe)"
        return Refusal(
            "needs_approval",
            f"risky change {change.change_id} has not been approved"
            + (adhoc if change.risk_source == "ad_hoc" else ""),
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
    change = state.changes.get(change_id)
    refusal = authority_refusal(state, policy, "result", event.actor.name, change=change) if change else None
    if refusal is not None:
        return refusal
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


CHANGE_CHECKS: dict[EventType, Check] = {
    EventType.CHANGE_PROPOSED: _proposed,
    EventType.APPROVAL_REQUESTED: _requested,
    EventType.APPROVAL_GRANTED: _granted,
    EventType.APPROVAL_DENIED: _denied,
    EventType.CHANGE_STARTED: _started,
    EventType.CHANGE_RESULT: _result,
    EventType.COMMAND_RUN: _command,
}
