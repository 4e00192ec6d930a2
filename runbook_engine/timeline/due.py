"""How pressing the next status update is: due within a minute, overdue, or neither."""

from __future__ import annotations

from datetime import datetime

from runbook_engine.timeline.values import IncidentState

DUE_SOON_S = 60
"""An update due within this many seconds is announced as due now."""


def update_urgency(state: IncidentState, now: datetime) -> str | None:
    """`overdue`, `due` (within a minute) or None."""
    due = state.next_update_due_at
    if state.phase == "resolved" or due is None:
        return None
    if state.update_overdue_s(now) is not None:
        return "overdue"
    return "due" if (due - now).total_seconds() <= DUE_SOON_S else None
