"""How an incident's state is put into words without claiming more than the timeline knows.

A hypothesis nobody has tested is "suspected", one a change helped is "likely", and a change that
is running has no effect yet; only a person (through `DraftInputs.root_cause`) states a cause.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.frozen import frozen
from runbook_engine.timeline.state import Change, Hypothesis, IncidentState


@frozen
class ActionLine:
    """Something in progress and the one person who owns it."""

    action: str
    owner: str
    eta: str = ""
    """When the owner expects it done, as they said it (e.g. `14:40 UTC`); empty when not said."""

    def payload(self) -> dict[str, str]:
        return {"action": self.action, "owner": self.owner, **({"eta": self.eta} if self.eta else {})}


def hypothesis_text(state: IncidentState) -> str:
    """The active hypotheses, each worded by how far the timeline supports it."""
    if not state.active_hypotheses:
        return "not yet known; investigating"
    return "; ".join(_hypothesis_words(state, h) for h in reversed(state.active_hypotheses))


def _hypothesis_words(state: IncidentState, hypothesis: Hypothesis) -> str:
    ids_and_text, text = (hypothesis.id, hypothesis.text), hypothesis.text
    results = [c.result for c in state.changes.values() if c.hypothesis in ids_and_text and c.result]
    if "helped" in results:
        return f"likely: {text} (a change based on it helped; not yet confirmed)"
    if results:
        return f"suspected: {text} (a change based on it did not help; still investigating)"
    return f"suspected: {text} (investigating)"


def hypothesis_label(state: IncidentState, ref: str) -> str:
    """The text of the hypothesis a change names, whether it names it by id or by text."""
    known = state.hypotheses.get(ref)
    return known.text if known else ref


def actions_in_progress(state: IncidentState) -> tuple[ActionLine, ...]:
    """Changes in flight or waiting, and runbook walks still under way, each with its owner."""
    if state.phase == "resolved":
        return ()
    lines = [ActionLine(_change_phrase(c), c.owner) for c in _open_changes(state)]
    for walk in state.walks.values():
        if walk.path and walk.path[-1].answer is None:
            lines.append(ActionLine(f"runbook {walk.runbook}: {walk.position}", walk.walker))
    return tuple(lines)


def _open_changes(state: IncidentState) -> list[Change]:
    return [c for c in state.changes.values() if c.status in ("proposed", "approved", "in_flight")]


def _change_phrase(change: Change) -> str:
    if change.status == "in_flight":
        return f"{change.action} (in progress)"
    if change.status == "approved":
        return f"{change.action} (approved, about to start)"
    if change.awaiting_approval:
        return f"{change.action} (awaiting approval)"
    return f"{change.action} (proposed)"


def progress_text(state: IncidentState) -> str:
    """What has been tried and what it did, newest last; a running change has no effect yet."""
    parts = []
    for change in state.changes.values():
        if change.result:
            parts.append(f"{change.action}: {_RESULT_WORDS[change.result]}")
        elif change.started_at is not None:
            parts.append(f"{change.action}: started {hhmm(change.started_at)}, effect not measured yet")
    if state.mitigated_at is not None and state.phase != "open":
        parts.append(f"mitigated at {hhmm(state.mitigated_at)}: {state.mitigation_summary}")
    return "; ".join(parts) if parts else "investigating; no change has been tried yet"


IDLE = {"open": "none; investigating", "mitigated": "none; watching", "monitoring": "none; monitoring"}


_RESULT_WORDS = {"helped": "helped", "no_change": "no visible effect", "worse": "made it worse"}


def latest_observation(state: IncidentState) -> str:
    measured = [c for c in state.changes.values() if c.result_at and c.observation]
    if not measured:
        return ""
    latest = max(measured, key=lambda c: c.result_at or c.proposed_at)
    return f"{latest.observation} (observed {hhmm(latest.result_at or latest.proposed_at)})"


def root_cause_as_known(state: IncidentState) -> str:
    helped = [c.hypothesis for c in state.changes.values() if c.result == "helped" and c.hypothesis]
    if helped:
        cause = hypothesis_label(state, helped[-1])
        return f"most likely {cause} (not yet confirmed; the postmortem will establish it)"
    return "not yet established; the postmortem will look for it"


def fix_text(state: IncidentState) -> str:
    helped = [c.action for c in state.changes.values() if c.result == "helped"]
    parts = helped + ([state.mitigation_summary] if state.mitigation_summary else [])
    return "; ".join(parts) if parts else "none recorded"


def follow_ups(state: IncidentState) -> list[str]:
    return [f"{item.text} (owner {item.owner}, due {item.due})" for item in state.action_items]


def status_word(state: IncidentState) -> str:
    words = {
        "open": "Investigating",
        "mitigated": "Mitigated; watching for recurrence",
        "monitoring": "Mitigated; monitoring",
        "resolved": "Resolved",
    }
    return words.get(state.phase, state.phase)


def duration_text(state: IncidentState, now: datetime) -> str:
    """`18 min (14:00-14:18 UTC)` from the estimated start to resolution (or `now`)."""
    start = state.started_at or state.opened_at or now
    end = state.resolved_at or now
    return f"{minutes_text((end - start).total_seconds())} ({hhmm(start, utc=False)}-{hhmm(end)})"


def minutes_text(seconds: float) -> str:
    """Whole minutes the way people say them: `18 min`, `1 h 05 min`."""
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def hhmm(at: datetime, *, utc: bool = True) -> str:
    return at.strftime("%H:%M") + (" UTC" if utc else "")
