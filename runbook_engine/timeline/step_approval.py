"""Approvers a runbook step names itself: any of its roles (fallbacks in order), N distinct people.

Modelled on AWS Systems Manager's `aws:approve`: the step lists who may approve and how many
distinct approvals it needs. The change's owner never counts (four eyes), and nobody counts twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.values import Change, IncidentState


def approvers_from(payload: Mapping[str, Any]) -> tuple[tuple[str, ...], int]:
    """The roles and count a `change_proposed` payload carries (none: the policy decides)."""
    raw = payload.get("approvers")
    if not isinstance(raw, Mapping):
        return (), 1
    roles = tuple(str(role) for role in raw.get("any_of") or ())
    count = raw.get("count", 1)
    return roles, count if isinstance(count, int) and count > 0 else 1


def step_approver_refusal(state: IncidentState, change: Change, by: str) -> Refusal | None:
    """Why `by` may not decide `change`, whose step names its own approvers; None when they may."""
    if by in change.approvals:
        return Refusal(
            "already_approved",
            f"{by} already approved change {change.change_id}",
            f"it needs {change.approvals_needed} distinct approvers: ask another",
        )
    held = [role for role in change.approvers if state.roles.get(role) == by]
    if held:
        return None
    candidates = [
        f"{role_name(role)} @{state.roles[role]}"
        for role in change.approvers
        if state.roles.get(role) not in (None, change.owner)
    ]
    wanted = ", else ".join(role_name(role) for role in change.approvers)
    return Refusal(
        "not_approver",
        f"{by} is not among the approvers change {change.change_id}'s step names ({wanted})",
        f"ask {' or '.join(candidates)}" if candidates else f"assign one of: {', '.join(change.approvers)}",
    )


def approval_status(change: Change, by: str) -> tuple[str, tuple[str, ...]]:
    """The change's status and approvers after `by` approves: approved once enough distinct ones."""
    approvals = (*change.approvals, by) if by not in change.approvals else change.approvals
    return ("approved" if len(approvals) >= change.approvals_needed else "proposed"), approvals
