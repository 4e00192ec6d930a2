"""The bottom toolbar: the incident at a glance, always on screen, as formatted-text fragments."""

from __future__ import annotations

from datetime import datetime

from runbook_engine.format.durations import format_duration
from runbook_engine.timeline.due import update_urgency
from runbook_engine.timeline.state import IncidentState

Fragments = list[tuple[str, str]]
SEPARATOR = ("class:toolbar.sep", " | ")


def toolbar(state: IncidentState, now: datetime, walker: str) -> Fragments:
    """Incident, severity, IC, T+elapsed, next update countdown, change in flight, approvals."""
    parts: list[Fragments] = [
        [("class:toolbar.incident", state.incident_id)],
        [(_severity_style(state.severity), state.severity)],
        [("class:toolbar", f"IC @{state.ic or '-'}" + (" (you)" if state.ic == walker else ""))],
        [("class:toolbar", f"T+{elapsed_minutes(state, now)}m")],
        _update(state, now),
        _change(state),
        _approvals(state),
        *_outbox(state),
    ]
    if state.phase != "open":
        parts.insert(2, [("class:toolbar.phase", state.phase.upper())])
    fragments: Fragments = [("class:toolbar", " ")]
    for index, part in enumerate(parts):
        if index:
            fragments.append(SEPARATOR)
        fragments.extend(part)
    return fragments


def elapsed_minutes(state: IncidentState, now: datetime) -> int:
    """Whole minutes since the impact started (the opener's estimate, else the opening)."""
    began = state.started_at or state.opened_at
    return 0 if began is None else max(0, int((now - began).total_seconds() // 60))


def _severity_style(severity: str) -> str:
    return "class:toolbar.sev1" if severity in ("SEV-1", "SEV-0") else "class:toolbar.sev"


def _update(state: IncidentState, now: datetime) -> Fragments:
    if state.phase == "resolved":
        return [("class:toolbar", "resolved")]
    overdue = state.update_overdue_s(now)
    if overdue is not None:
        return [("class:toolbar.overdue", f"UPDATE OVERDUE {format_duration(overdue)}")]
    due = state.next_update_due_at
    if due is None:
        return [("class:toolbar", "update: as needed")]
    if update_urgency(state, now) == "due":
        return [("class:toolbar.overdue", f"UPDATE DUE in {format_duration((due - now).total_seconds())}")]
    return [("class:toolbar", f"next update {format_duration((due - now).total_seconds())}")]


def _outbox(state: IncidentState) -> list[Fragments]:
    """Shown only while a chat post is not delivered (the outbox works in the background)."""
    waiting = state.undelivered_posts
    return [[("class:toolbar.pending", f"{len(waiting)} post(s) not delivered")]] if waiting else []


def _change(state: IncidentState) -> Fragments:
    change = state.change_in_flight
    if change is None:
        return [("class:toolbar", "change: none")]
    return [("class:toolbar.change", f"change {change.change_id} @{change.owner}")]


def _approvals(state: IncidentState) -> Fragments:
    pending = state.pending_approvals
    if not pending:
        return [("class:toolbar", "approvals: none")]
    ids = ",".join(change.change_id for change in pending)
    return [("class:toolbar.pending", f"approval pending: {ids}")]
