"""Incident-command lapses a drill can see flagged: what the seeds' bad incident response shows.

The rules refuse what must never happen (two changes at once, an unapproved risky change); these
flags name what the rules cannot refuse because it is an absence: no status update, a cadence
missed, an incident closed with nothing tracked for the postmortem. Pure functions over the state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from runbook_engine.policy import Policy
from runbook_engine.timeline.state import IncidentState, severity_rule

Flag = Callable[[IncidentState, datetime, Policy], bool]


def no_status_update(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """Nobody told stakeholders anything, and the first update was owed by now."""
    return not state.status_updates and _overdue_since_open(state, now, policy)


def update_overdue(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """A status update is late right now."""
    return state.update_overdue_s(now) is not None


def cadence_missed(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """At some moment an update came later than the severity's cadence asked (or is late now)."""
    cadence = _cadence(state, policy)
    if cadence is None or state.opened_at is None:
        return False
    due = state.opened_at + cadence
    for update in state.status_updates:
        if update.at > due:
            return True
        due = min(update.at + cadence, update.next_update_at or update.at + cadence)
    end = state.resolved_at if state.phase == "resolved" and state.resolved_at else now
    return end > due


def no_action_items(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """The incident is resolved and nothing was tracked for the postmortem."""
    return state.phase == "resolved" and not state.action_items


def change_without_result(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """A change was started and its effect never recorded."""
    return any(c.started_at is not None and c.result is None for c in state.changes.values())


def cleanup_owed(state: IncidentState, now: datetime, policy: Policy) -> bool:
    """The incident is resolved while cleanup steps are still owed."""
    return state.phase == "resolved" and bool(state.cleanup_owed)


FLAGS: dict[str, Flag] = {
    "no-status-update": no_status_update,
    "update-overdue": update_overdue,
    "cadence-missed": cadence_missed,
    "no-action-items": no_action_items,
    "change-without-result": change_without_result,
    "cleanup-owed": cleanup_owed,
}


def flags(state: IncidentState, now: datetime, policy: Policy) -> tuple[str, ...]:
    """Every flag raised, plus the audit flags the timeline itself records (by kind)."""
    raised = [name for name, flag in FLAGS.items() if flag(state, now, policy)]
    audit = [flag.kind for flag in state.audit_flags if flag.kind not in raised]
    return (*raised, *dict.fromkeys(audit))


def _cadence(state: IncidentState, policy: Policy) -> timedelta | None:
    rule = severity_rule(policy, state.severity)
    seconds = rule.update_cadence_s if rule else None
    return timedelta(seconds=seconds) if seconds else None


def _overdue_since_open(state: IncidentState, now: datetime, policy: Policy) -> bool:
    cadence = _cadence(state, policy)
    return cadence is not None and state.opened_at is not None and now > state.opened_at + cadence
