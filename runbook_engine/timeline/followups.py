"""Suggested follow-ups (seed 003's "immediately actionable items"), each accepted or dismissed
with one logged command: the 1 h / 24 h / 1 week defaults, and "make it permanent / automate it"
for a risky change applied by hand."""

from __future__ import annotations

from runbook_engine.frozen import frozen
from runbook_engine.timeline.values import IncidentState

DEFAULTS = (
    ("timeline-written", "1h", "Write the timeline while it is fresh"),
    ("final-update-sent", "1h", "Send the final stakeholder update with the resolution summary"),
    ("team-released", "1h", "Thank the team and release them from incident duty"),
    ("postmortem-drafted", "24h", "Draft the postmortem"),
    ("monitoring-data-kept", "24h", "Collect the monitoring data before it ages out"),
    ("affected-users-listed", "24h", "Identify who was affected and how (for customer notification)"),
    ("postmortem-complete", "1w", "Complete the postmortem with action items"),
    ("p1-items-done", "1w", "Implement the P1 action items (monitoring, alerts, runbook)"),
    ("follow-up-booked", "1w", "Schedule the one-month follow-up on all action items"),
)


@frozen
class Suggestion:
    """A follow-up the timeline suggests: its key, its bucket and its text."""

    key: str
    bucket: str
    text: str


def suggestions(state: IncidentState) -> tuple[Suggestion, ...]:
    """Every suggested follow-up for this incident, in bucket order."""
    by_hand = [
        Suggestion(
            f"automate-{c.change_id.lower()}",
            "1h",
            f"Make {c.action} permanent, or automate it (applied by hand during the incident)",
        )
        for c in state.changes.values()
        if c.risky and c.node is None and c.started_at is not None
    ]
    return (*by_hand, *(Suggestion(key, bucket, text) for key, bucket, text in DEFAULTS))


def suggestion(state: IncidentState, key: str) -> Suggestion | None:
    return next((s for s in suggestions(state) if s.key == key), None)
