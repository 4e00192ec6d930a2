"""Reminders that a status update is due: the words every screen shows, and the overdue note.

`update_notice` is what the walk's toolbar, the board and `timeline tail --follow` say when the
next update is due within a minute or late. `remind` queues a short note for the IC's channel;
the rules allow one per update cadence, and only while an update is overdue.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.comms.wording import hhmm, minutes_text
from runbook_engine.errors import Refused
from runbook_engine.timeline.due import update_urgency
from runbook_engine.timeline.events import Actor, EventType, NewEvent, iso_utc
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import IncidentState


def update_notice(state: IncidentState, now: datetime) -> str | None:
    """`STATUS UPDATE OVERDUE by 4 min (due 14:27 UTC)`, `STATUS UPDATE DUE in 40 s ...`, or None."""
    urgency, due = update_urgency(state, now), state.next_update_due_at
    if urgency is None or due is None:
        return None
    if urgency == "overdue":
        return f"STATUS UPDATE OVERDUE by {_late((now - due).total_seconds())} (due {hhmm(due)})"
    return f"STATUS UPDATE DUE in {int((due - now).total_seconds())} s (at {hhmm(due)})"


def _late(seconds: float) -> str:
    return f"{int(seconds)} s" if seconds < 60 else minutes_text(seconds)


def reminder_text(state: IncidentState, now: datetime) -> str:
    due = state.next_update_due_at or now
    return "\n".join(
        [
            f"[{hhmm(now)}] UPDATE OVERDUE {state.severity} {state.incident_id}: {state.title}",
            f"Due: {hhmm(due)} ({_late((now - due).total_seconds())} late)",
            f"Incident commander: {state.ic or 'not assigned'}",
            f"Post it: runbook incident update {state.incident_id} --post",
        ]
    )


def remind(service: IncidentService, incident_id: str, actor: Actor) -> str | None:
    """Queue the overdue note for the IC's channel; says what happened, None when nothing is late."""
    state, now = service.state(incident_id), service.clock.now()
    if state.update_overdue_s(now) is None or state.next_update_due_at is None:
        return None
    settings = service.policy_for(incident_id).channels
    group = settings.settings.ic_group
    channels = settings.of_groups([group]) if group else ()
    if not channels:
        return "no reminder sent: the policy names no comms: ic_group with channels"
    payload = {
        "text": reminder_text(state, now),
        "due_at": iso_utc(state.next_update_due_at),
        "post_to": [c.name for c in channels],
    }
    try:
        service.append(incident_id, NewEvent(EventType.UPDATE_REMINDER, actor, payload))
    except Refused as exc:
        return f"no reminder sent: {exc.message}"
    return f"reminder queued for {', '.join(c.name for c in channels)}"
