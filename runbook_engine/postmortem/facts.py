"""What a postmortem measures and points out: response metrics, flags and each change's strategy.

Pure functions over the events and the folded state; `document` turns them into Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Event
from runbook_engine.timeline.state import Change, IncidentState, severity_rule
from runbook_engine.timeline.tasks import task_flags

_ROLLBACK = re.compile(
    r"\b(roll(ed|ing)?[ -]?back|revert|downgrade|undo|previous (version|revision|release))", re.IGNORECASE
)


_DEGRADE = re.compile(
    r"\b(disable|feature flag|shed|rate[ -]?limit|degrade|circuit breaker|fail ?over)", re.IGNORECASE
)


@frozen
class Context:
    """What every postmortem fact is drawn from: the events, their folded state, the policy, now."""

    events: Sequence[Event]
    state: IncidentState
    policy: Policy
    now: datetime


@frozen
class Metrics:
    """Response times in seconds (None when the timeline has not reached that point)."""

    time_to_ic_s: float | None
    time_to_first_update_s: float | None
    updates: int
    cadence_misses: int
    longest_update_gap_s: float | None
    time_to_mitigate_s: float | None
    time_to_resolve_s: float | None
    command_to_mitigation_s: float | None
    detection_gap_s: float | None = None
    """Impact start to declaration: why did we notice late? (seed 000)"""
    mitigation_gap_s: float | None = None
    """Declaration to mitigation: why did we mitigate slowly? (seed 000)"""


_PHRASES = {"rollback": "rollback", "fix-forward": "fix forward", "degrade": "degrade gracefully"}


def strategy(change: Change) -> str:
    """Rollback, graceful degradation or fix forward: as declared, else read from the wording."""
    if change.strategy in _PHRASES:
        return _PHRASES[change.strategy]
    if _ROLLBACK.search(change.action):
        return "rollback"
    return "degrade gracefully" if _DEGRADE.search(change.action) else "fix forward"


def strategy_declared(change: Change) -> bool:
    """Whether the runbook or the proposer named the strategy (else `strategy` guessed it)."""
    return change.strategy in _PHRASES


def metrics(ctx: Context) -> Metrics:
    """The response metrics the review compares against the policy."""
    s, start = ctx.state, ctx.state.started_at or ctx.state.opened_at
    updates = [u.at for u in s.status_updates]
    ic_at = next((r.at for r in s.role_history if r.role == "ic"), None)
    gaps = _update_gaps(ctx)
    return Metrics(
        time_to_ic_s=span(start, ic_at),
        time_to_first_update_s=span(s.opened_at, updates[0] if updates else None),
        updates=len(updates),
        cadence_misses=sum(1 for gap, cadence in gaps if cadence is not None and gap > cadence),
        longest_update_gap_s=max((gap for gap, _ in gaps), default=None),
        time_to_mitigate_s=span(start, s.mitigated_at),
        time_to_resolve_s=span(start, s.resolved_at),
        command_to_mitigation_s=span(ic_at, s.mitigated_at),
        detection_gap_s=span(start, s.opened_at),
        mitigation_gap_s=span(s.opened_at, s.mitigated_at),
    )


def _update_gaps(ctx: Context) -> list[tuple[float, float | None]]:
    """(gap, cadence due) between declaration, each update, and resolution or now."""
    s = ctx.state
    if s.opened_at is None:
        return []
    points = [s.opened_at, *(u.at for u in s.status_updates)]
    end = s.resolved_at or ctx.now
    if end > points[-1]:
        points.append(end)
    return [
        ((later - earlier).total_seconds(), _cadence_at(ctx, earlier)) for earlier, later in pairwise(points)
    ]


def _cadence_at(ctx: Context, at: datetime) -> float | None:
    """The update cadence of the severity in force at `at` (severity changes are few)."""
    history = ctx.state.severity_history
    severity = history[0].before if history else ctx.state.severity
    for change in history:
        if change.at <= at:
            severity = change.after
    rule = severity_rule(ctx.policy, severity)
    return None if rule is None or rule.update_cadence_s is None else float(rule.update_cadence_s)


def flags(ctx: Context) -> list[str]:
    """Things the review must look at, as plain sentences."""
    s, found = ctx.state, [f.detail for f in ctx.state.audit_flags]
    found += [f"override of {o.rule} by {o.by}: {o.reason}" for o in s.overrides]
    if s.resolve_override_reason:
        found.append(
            f"resolved by IC override before the monitoring window passed: {s.resolve_override_reason}"
        )
    misses = metrics(ctx).cadence_misses
    if misses:
        found.append(f"the status update cadence was missed {misses} time(s)")
    rule = severity_rule(ctx.policy, s.severity)
    filled = {r.role for r in s.role_history}
    missing = [role for role in (rule.required_roles if rule else ()) if role not in filled]
    if missing:
        found.append(f"required role(s) never filled for {s.severity}: {', '.join(missing)}")
    found += [f"change {c.change_id} made things worse" for c in s.changes.values() if c.result == "worse"]
    found += [
        f"change {c.change_id} has no recorded result" for c in s.changes.values() if c.status == "in_flight"
    ]
    if s.cleanup_owed:
        found.append(f"cleanup steps still owed: {', '.join(s.cleanup_owed)}")
    if s.phase == "resolved" and not any(u.kind == "resolution" for u in s.status_updates):
        found.append("no resolution status update was posted")
    found += [
        f"task {t.task_id} ({t.text}) was never acknowledged by {t.owner}"
        for t in s.tasks.values()
        if t.acked_at is None
    ]
    found += [f.detail for f in task_flags(s, ctx.policy, ctx.now) if f.kind != "unacknowledged"]
    pending = [c for c in s.changes.values() if c.risky and c.status in ("proposed", "approved")]
    found += [f"risky change {c.change_id} ({c.action}) was still pending ({c.status})" for c in pending]
    return found + _delivery_flags(s)


LATE_DELIVERY_S = 120
"""A post that reached its channel later than this after it was recorded is worth a look."""


def _delivery_flags(s: IncidentState) -> list[str]:
    """Messages that never reached their channel, or reached it late (the outbox's record)."""
    found = [
        f"message #{p.about_seq} never reached {p.channel} ({p.last_error or p.status})"
        for p in s.undelivered_posts
    ]
    late = [(p, span(p.queued_at, p.delivered_at) or 0.0) for p in s.posts.values() if p.delivered]
    found += [
        f"message #{p.about_seq} reached {p.channel} {round(gap / 60)} min after it was recorded"
        for p, gap in late
        if gap > LATE_DELIVERY_S
    ]
    return found


def span(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()
