"""The status board as data: roles, command, changes, approvals, the update clock and the
first-ten-minutes checklist (seed 003). `runbook incident status --format json` prints it; the
text board and the walk read the same values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.timeline.due import update_urgency
from runbook_engine.timeline.events import iso_utc
from runbook_engine.timeline.four_eyes import approver_roles, decider
from runbook_engine.timeline.posts import Post
from runbook_engine.timeline.tasks import task_flags
from runbook_engine.timeline.values import (
    Change,
    IncidentState,
    Task,
    effective_policy,
    severity_rule,
    stakeholder_groups,
)


@frozen
class ChecklistItem:
    """One line of the incident checklist and whether it is done."""

    key: str
    text: str
    done: bool


def checklist(state: IncidentState) -> tuple[ChecklistItem, ...]:
    """Seed 003's first ten minutes: declared, severity set, an IC named, first update posted,
    and "what changed in the last hour?" answered."""
    return (
        ChecklistItem("declared", "the incident is declared", state.opened_at is not None),
        ChecklistItem("severity", "severity is set", bool(state.severity)),
        ChecklistItem("ic", "an IC is named", state.ic is not None),
        ChecklistItem("first_update", "the first status update is posted", bool(state.status_updates)),
        ChecklistItem(
            "recent_changes",
            '"what changed in the last hour?" is answered',
            state.recent_changes_at is not None,
        ),
    )


def checklist_text(state: IncidentState) -> str:
    """The checklist on one line, for the walk's first screen: `[x] ... [ ] ...`."""
    marks = "  ".join(f"[{'x' if item.done else ' '}] {item.text}" for item in checklist(state))
    return f"First ten minutes: {marks}"


def time_to_ic_s(state: IncidentState) -> float | None:
    """Seconds from the start of impact until someone took command (None: nobody yet)."""
    if state.ic_since is None or state.started_at is None:
        return None
    return max(0.0, (state.ic_since - state.started_at).total_seconds())


def response_late_s(state: IncidentState, policy: Policy, now: datetime) -> float | None:
    """How far past the policy's response start nobody has taken command (None: not late)."""
    rule = severity_rule(effective_policy(state, policy), state.severity)
    if rule is None or rule.response_start_s is None or state.started_at is None:
        return None
    until = state.ic_since or now
    late = (until - state.started_at).total_seconds() - rule.response_start_s
    return late if late > 0 else None


def board(state: IncidentState, policy: Policy, now: datetime) -> dict[str, Any]:
    """Everything the board shows, as JSON-ready data."""
    policy = effective_policy(state, policy)
    rule = severity_rule(policy, state.severity)
    due = state.next_update_due_at
    return {
        "incident_id": state.incident_id,
        "title": state.title,
        "severity": state.severity,
        "phase": state.phase,
        "times": _times(state),
        "no_ic": state.ic is None,
        "time_to_ic_s": time_to_ic_s(state),
        "response_late_s": response_late_s(state, policy, now),
        "roles": dict(state.roles),
        "missing_roles": [r for r in (rule.required_roles if rule else ()) if r not in state.roles],
        "change_in_flight": _change(state.change_in_flight, state, policy),
        "pending_approvals": [_change(c, state, policy) for c in state.pending_approvals],
        "hypotheses": [{"id": h.id, "text": h.text} for h in state.active_hypotheses],
        "next_update_due": iso_utc(due) if due else None,
        "update_overdue_s": state.update_overdue_s(now),
        "update_urgency": update_urgency(state, now),
        "undelivered_posts": [_post(p) for p in state.undelivered_posts],
        "stakeholders": list(stakeholder_groups(state, policy)),
        "checklist": [{"key": i.key, "text": i.text, "done": i.done} for i in checklist(state)],
        "tasks": [_task(task) for task in state.tasks.values() if task.open],
        "flags": [
            {"kind": f.kind, "task_id": f.task_id, "detail": f.detail} for f in task_flags(state, policy, now)
        ],
        "cleanup_owed": list(state.cleanup_owed),
        "action_items": len(state.action_items),
        "policy_digest": policy.digest or None,
    }


def _task(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "text": task.text,
        "owner": task.owner,
        "eta": iso_utc(task.eta),
        "acknowledged": task.acked_at is not None,
        "acked_at": iso_utc(task.acked_at) if task.acked_at else None,
    }


def _post(post: Post) -> dict[str, Any]:
    """A message not yet in its channel (never its URL: the timeline does not know it)."""
    fields = ("post_id", "channel", "kind", "status", "attempts", "last_error")
    return {name: getattr(post, name) for name in fields}


def _times(state: IncidentState) -> dict[str, str | None]:
    moments = {
        "started": state.started_at,
        "declared": state.opened_at,
        "ic": state.ic_since,
        "mitigated": state.mitigated_at,
        "resolved": state.resolved_at,
    }
    return {name: iso_utc(at) if at else None for name, at in moments.items()}


def _change(change: Change | None, state: IncidentState, policy: Policy) -> dict[str, Any] | None:
    if change is None:
        return None
    chosen = decider(state, change, policy) if change.status == "proposed" else None
    return {
        "change_id": change.change_id,
        "action": change.action,
        "owner": change.owner,
        "risky": change.risky,
        "risk_source": change.risk_source,
        "status": change.status,
        "decider_role": chosen[0] if chosen else (approver_roles(state, policy)[0] if change.risky else None),
        "decider": chosen[1] if chosen else None,
        "started_at": iso_utc(change.started_at) if change.started_at else None,
    }
