"""Carrying an incident on after its chain is damaged: a new chain from the last good event.

One damaged row makes every append to an incident fail. Nothing in the old chain is rewritten or
deleted: its good events (1..k, those before the first bad seq) are copied in order, with their
original times, actors and payloads, into a new incident, and a note then cites the damaged
incident, the last good seq and hash, the first bad seq, the reason and who continued it. Anyone
can compare the copy with the old chain, which still verifies up to seq k. Uses only the `Store`
protocol, so every backend offers it.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.errors import Refused
from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.state import IncidentState
from runbook_engine.timeline.store import Store


@frozen
class Continuation:
    """A damaged timeline continued in a new one: both ids, where the damage starts and why."""

    damaged: str
    continued: str
    last_good_seq: int
    first_bad_seq: int
    reason: str


def continue_incident(store: Store, incident_id: str, why: str, actor: Actor, now: datetime) -> Continuation:
    """Copy the good prefix of a damaged chain into a new incident and cite the damage there."""
    report = store.verify(incident_id)
    if report.ok:
        raise Refused(f"the timeline of {incident_id} verifies: nothing to continue", "keep using it")
    first_bad = report.first_bad_seq or 1
    if first_bad <= 1:
        raise Refused(
            f"the first event of {incident_id} is damaged: there is no good event to continue from",
            "open a new incident (runbook incident open ...) and note the damaged one in it",
        )
    good = store.events(incident_id, 0, first_bad - 1)
    opened = store.create_incident(_copy(good[0]), good[0].at)
    for event in good[1:]:
        store.append(opened.incident_id, _copy(event), event.at, _accepted)
    cite = _citation(incident_id, good[-1], first_bad, report.reason, why)
    store.append(opened.incident_id, NewEvent(EventType.NOTE, actor, {"text": cite}), now, _accepted)
    return Continuation(incident_id, opened.incident_id, first_bad - 1, first_bad, report.reason)


def _copy(event: Event) -> NewEvent:
    return NewEvent(event.type, event.actor, dict(event.payload))


def _accepted(state: IncidentState, event: NewEvent) -> Refusal | None:
    """Copies were accepted by the rules when first appended; the citation note is always allowed."""
    return None


def _citation(damaged: str, last_good: Event, first_bad: int, problem: str, why: str) -> str:
    return (
        f"Continued from {damaged}, whose timeline is damaged at seq {first_bad} ({problem}). "
        f"Events 1..{last_good.seq} above are copies of its events up to seq {last_good.seq} "
        f"(hash {last_good.hash}); nothing in {damaged} was changed. Why: {why}"
    )
