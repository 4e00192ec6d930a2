"""The seeds' status fields the timeline can answer: risky changes pending, the decision needed
now, the plan for the next ten minutes, the stakeholders; a person's word wins (`DraftInputs`)."""

from __future__ import annotations

from runbook_engine.policy import Policy
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.four_eyes import decider
from runbook_engine.timeline.state import Change, IncidentState
from runbook_engine.timeline.values import stakeholder_groups


def risky_pending(state: IncidentState) -> str:
    """Risky changes proposed, approved or running that have no result yet (seed 000's question)."""
    waiting = [
        c for c in state.changes.values() if c.risky and c.status in ("proposed", "approved", "in_flight")
    ]
    if not waiting:
        return "none"
    return "; ".join(f"{c.change_id} {c.action} ({_where(c)}, owner {c.owner})" for c in waiting)


def _where(change: Change) -> str:
    return {"proposed": "awaiting approval", "approved": "approved, not started"}.get(
        change.status, "running"
    )


def decision_needed(state: IncidentState, policy: Policy) -> str:
    """What someone must decide now: approvals waiting on a person, or nobody in command."""
    if state.ic is None:
        return "someone must take command (no IC yet)"
    asks = []
    for change in state.changes.values():
        if change.status != "proposed" or not change.risky:
            continue
        who = decider(state, change, policy)
        by = f"the {role_name(who[0])} ({who[1]})" if who else "nobody may yet: assign an approver"
        asks.append(f"approve or deny {change.change_id} {change.action}: {by}")
    return "; ".join(asks) or "none"


def plan_next(state: IncidentState) -> str:
    """The next ten minutes as the timeline knows them: the change watched, the tasks due."""
    parts = []
    running = state.change_in_flight
    if running is not None:
        parts.append(f"watch the effect of {running.change_id} {running.action}")
    parts += [f"{t.text} ({t.owner}, ETA {t.eta:%H:%M} UTC)" for t in state.tasks.values() if t.open]
    return "; ".join(parts)


def stakeholders_text(state: IncidentState, policy: Policy) -> str:
    groups = stakeholder_groups(state, policy)
    return ", ".join(groups) if groups else f"none named for {state.severity}"
