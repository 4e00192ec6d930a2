"""The postmortem draft: Markdown built from an incident's events and state, with its metrics and flags.

Everything here is computed from the timeline; the questions a review must answer come with the
facts the timeline holds for each, and a place for the team's answer. Text people typed into the
timeline is escaped before it is written into Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from runbook_engine.comms import duration_text, hhmm, hypothesis_label, minutes_text
from runbook_engine.policy import Policy
from runbook_engine.render.escape import markdown as md
from runbook_engine.timeline.events import Event, EventType
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.state import Change, IncidentState, severity_rule

BUCKETS = (("1h", "Within 1 hour"), ("24h", "Within 24 hours"), ("1w", "Within 1 week"))
_ROLLBACK = re.compile(r"\b(roll(ed|ing)?[ -]?back|revert|downgrade)", re.IGNORECASE)
_DEGRADE = re.compile(
    r"\b(disable|feature flag|shed|rate[ -]?limit|degrade|circuit breaker|fail ?over)", re.IGNORECASE
)


@dataclass(frozen=True)
class Context:
    events: Sequence[Event]
    state: IncidentState
    policy: Policy
    now: datetime


@dataclass(frozen=True)
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


def render_postmortem(events: Sequence[Event], state: IncidentState, policy: Policy, now: datetime) -> str:
    """The whole postmortem draft as Markdown."""
    ctx = Context(events, state, policy, now)
    title = f"# Postmortem draft: {md(state.title)} ({md(state.incident_id)})"
    intro = f"_Drafted from the incident timeline at {now:%Y-%m-%d %H:%M} UTC; edit freely._"
    parts = [title, "", intro]
    for heading, section in SECTIONS:
        parts += ["", f"## {heading}", "", *section(ctx)]
    return "\n".join(parts) + "\n"


def _summary(ctx: Context) -> list[str]:
    s = ctx.state
    opened_as = s.severity_history[0].before if s.severity_history else s.severity
    roles = ", ".join(f"{role}: {md(person)}" for role, person in s.roles.items())
    return [
        f"- **Severity:** {md(s.severity)}"
        + ("" if opened_as == s.severity else f" (opened as {md(opened_as)})"),
        f"- **Phase:** {s.phase}",
        f"- **Roles:** {roles or 'none recorded'}",
        f"- **Duration:** {duration_text(s, ctx.now)}",
        f"- **Mitigation:** {md(s.mitigation_summary) or 'none recorded'}",
        f"- **Resolution:** {md(s.resolution_summary) or 'not resolved yet'}",
        f"- **Cause as the timeline knows it:** {md(_cause(s))}",
    ]


def _cause(state: IncidentState) -> str:
    helped = [c for c in state.changes.values() if c.result == "helped" and c.hypothesis]
    if helped:
        return f"likely {hypothesis_label(state, helped[-1].hypothesis)} (a change based on it helped)"
    active = [h.text for h in state.active_hypotheses]
    return f"suspected {'; '.join(active)} (untested)" if active else "not established"


def _impact(ctx: Context) -> list[str]:
    s, start = ctx.state, ctx.state.started_at
    lines = [f"- Impact began (estimate): {_when(start)}", f"- Incident declared: {_when(s.opened_at)}"]
    lines += [f"- Mitigated: {_when(s.mitigated_at)}", f"- Resolved: {_when(s.resolved_at)}"]
    if start is not None:
        end = s.mitigated_at or ctx.now
        ongoing = "" if s.mitigated_at else " (not mitigated when drafted)"
        lines.append(f"- User impact lasted {minutes_text((end - start).total_seconds())}{ongoing}")
    reported = [e for e in ctx.events if e.type is EventType.STATUS_UPDATE]
    for event in reported:
        trend = event.payload.get("trend")
        said = md(str(event.payload.get("impact") or "")) + (f"; trend: {md(str(trend))}" if trend else "")
        lines.append(f"- Reported at {hhmm(event.at)}: {said}")
    return lines


def _timeline(ctx: Context) -> list[str]:
    return [f"- {md(human_line(event))}" for event in ctx.events] or ["_No events._"]


def _decisions(ctx: Context) -> list[str]:
    s = ctx.state
    found = [_change_decision(s, change) for change in s.changes.values()]
    found += [(v.at, f"severity {v.before} -> {v.after} by {v.by}: {v.reason}") for v in s.severity_history]
    found += [
        (r.at, f"{r.role} handed from {r.previous or '?'} to {r.person}: {r.reason}")
        for r in s.role_history
        if r.reason
    ]
    found += [(o.at, f"override of {o.rule} by {o.by}: {o.reason}") for o in s.overrides]
    if s.resolved_at and s.resolve_override_reason:
        found.append(
            (s.resolved_at, f"resolved before the monitoring window ended: {s.resolve_override_reason}")
        )
    found += [(e.at, f"{e.actor.name}: {e.payload['text']}") for e in ctx.events if _is_decision_note(e)]
    return [f"- {hhmm(at)} {md(text)}" for at, text in sorted(found, key=lambda f: f[0])] or [
        "_No decisions recorded._"
    ]


def _is_decision_note(event: Event) -> bool:
    """Notes written as `Decision: ...` are how people log a decision that is not an approval."""
    return event.type is EventType.NOTE and str(event.payload.get("text", "")).lower().startswith("decision:")


def strategy(change: Change) -> str:
    """Rollback, graceful degradation or fix forward, read from the action's wording."""
    if _ROLLBACK.search(change.action):
        return "rollback"
    return "degrade gracefully" if _DEGRADE.search(change.action) else "fix forward"


def _change_decision(state: IncidentState, change: Change) -> tuple[datetime, str]:
    head = f"{change.change_id} ({change.action})"
    if change.status == "denied":
        return change.proposed_at, f"{change.denied_by or '?'} denied {head}: {change.denial_reason}"
    why = (
        change.approval_reason
        or f"tests {hypothesis_label(state, change.hypothesis) or 'no stated hypothesis'}"
    )
    who = f"approved by {change.approved_by}" if change.approved_by else "not risky, no approval needed"
    return change.approved_at or change.proposed_at, f"{strategy(change)} chosen: {head}, {who}; why: {why}"


def _changes(ctx: Context) -> list[str]:
    lines: list[str] = []
    for change in ctx.state.changes.values():
        lines += [f"### {md(change.change_id)}: {md(change.action)} ({strategy(change)})", ""]
        lines += [*_change_facts(ctx, change), ""]
    return lines[:-1] or ["_No change was made._"]


def _change_facts(ctx: Context, c: Change) -> list[str]:
    rollback = "irreversible (accepted)" if c.irreversible else md(c.rollback or "none given")
    facts = [
        f"- Owner: {md(c.owner)}; proposed {hhmm(c.proposed_at)} by {md(c.proposed_by.name)}",
        f"- Hypothesis tested: {md(hypothesis_label(ctx.state, c.hypothesis) or 'none stated')}",
        f"- Rollback: {rollback}; risky: {'yes' if c.risky else 'no'}; status: {c.status}",
    ]
    if c.started_at is not None:
        facts.append(f"- Started {hhmm(c.started_at)} by {md(c.started_by.name if c.started_by else '?')}")
    if c.result and c.result_at:
        after = (
            f" ({minutes_text((c.result_at - (c.started_at or c.proposed_at)).total_seconds())} after start)"
        )
        facts.append(f"- Measured effect at {hhmm(c.result_at)}{after}: **{c.result}**, {md(c.observation)}")
    for event in ctx.events:
        if event.type is EventType.COMMAND_RUN and event.payload.get("change_id") == c.change_id:
            argv = " ".join(str(a) for a in event.payload.get("argv", []))
            facts.append(f"- Command: {md(argv)} (exit {event.payload.get('exit_code')})")
    return facts


def metrics(ctx: Context) -> Metrics:
    """The response metrics the review compares against the policy."""
    s, start = ctx.state, ctx.state.started_at or ctx.state.opened_at
    updates = [u.at for u in s.status_updates]
    ic_at = next((r.at for r in s.role_history if r.role == "ic"), None)
    gaps = _update_gaps(ctx)
    return Metrics(
        time_to_ic_s=_span(start, ic_at),
        time_to_first_update_s=_span(s.opened_at, updates[0] if updates else None),
        updates=len(updates),
        cadence_misses=sum(1 for gap, cadence in gaps if cadence is not None and gap > cadence),
        longest_update_gap_s=max((gap for gap, _ in gaps), default=None),
        time_to_mitigate_s=_span(start, s.mitigated_at),
        time_to_resolve_s=_span(start, s.resolved_at),
        command_to_mitigation_s=_span(ic_at, s.mitigated_at),
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
    severity = next(
        (str(e.payload["severity"]) for e in ctx.events if e.type is EventType.INCIDENT_OPENED), ""
    )
    for event in ctx.events:
        if event.type is EventType.SEVERITY_CHANGED and event.at <= at:
            severity = str(event.payload["to"])
    rule = severity_rule(ctx.policy, severity)
    return None if rule is None or rule.update_cadence_s is None else float(rule.update_cadence_s)


def _metrics(ctx: Context) -> list[str]:
    m = metrics(ctx)
    cadence = (
        "kept" if m.cadence_misses == 0 else f"missed {m.cadence_misses} time(s)"
    ) + f"; {m.updates} update(s), longest gap {_mins(m.longest_update_gap_s)}"
    rows = [
        ("Time to incident commander (from impact start)", _mins(m.time_to_ic_s)),
        ("Time to first status update (from declaration)", _mins(m.time_to_first_update_s)),
        ("Status update cadence", cadence),
        ("Time to mitigate (from impact start)", _mins(m.time_to_mitigate_s)),
        ("Time from command established to mitigation", _mins(m.command_to_mitigation_s)),
        ("Time to resolve (from impact start)", _mins(m.time_to_resolve_s)),
    ]
    return ["| Metric | Value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]


def _action_items(ctx: Context) -> list[str]:
    lines: list[str] = []
    for bucket, heading in BUCKETS:
        items = [i for i in ctx.state.action_items if i.bucket == bucket]
        lines += [f"### {heading}", ""]
        lines += [f"- [ ] {md(i.text)} (owner {md(i.owner)}, due {md(i.due)})" for i in items]
        lines += ["_None recorded._"] if not items else []
        lines.append("")
    return lines[:-1]


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
    return found


def _flags(ctx: Context) -> list[str]:
    return [f"- {md(flag)}" for flag in flags(ctx)] or ["_None raised._"]


def _review(ctx: Context) -> list[str]:
    lines: list[str] = []
    for question, facts in _review_facts(ctx):
        lines += [f"### {question}", "", "What the timeline shows:", ""]
        lines += [f"- {md(fact)}" for fact in facts] + ["", "Answer: _to be written by the review._", ""]
    return lines[:-1]


def _review_facts(ctx: Context) -> list[tuple[str, list[str]]]:
    s, m = ctx.state, metrics(ctx)
    first = min((c.started_at for c in s.changes.values() if c.started_at), default=None)
    wrong = [f"hypothesis dropped: {h.text} ({h.drop_reason})" for h in s.hypotheses.values() if not h.active]
    wrong += [
        f"{c.action}: {c.result} ({c.observation})"
        for c in s.changes.values()
        if c.result in ("no_change", "worse")
    ]
    walked = sorted({f"{w.runbook} (walked by {w.walker})" for w in s.walks.values()})
    off_book = [c.change_id for c in s.changes.values() if not c.runbook]
    return [
        (
            "What user impact lasted the longest?",
            [
                f"user impact lasted {_mins(m.time_to_mitigate_s)} from its start to mitigation",
                f"first change started {_mins(_span(s.started_at, first))} after impact began",
            ],
        ),
        ("Which assumptions were wrong?", wrong or ["no hypothesis was dropped and no change failed"]),
        (
            "Which signals were missing or too noisy?",
            [
                f"impact began {_mins(_span(s.started_at, s.opened_at))} before the incident was declared",
                f"{sum(1 for c in s.changes.values() if c.observation)} change result(s) note what was seen",
            ],
        ),
        (
            "Which action items prevent recurrence, and which only speed up the response?",
            [f"{i.text} ({i.owner}): prevents recurrence / speeds response?" for i in s.action_items]
            or ["no action item recorded"],
        ),
        (
            "Which runbook, alert or ownership gap made the incident worse?",
            [
                f"runbooks followed: {', '.join(walked) or 'none'}",
                f"changes made outside any runbook: {', '.join(off_book) or 'none'}",
                *(flag for flag in flags(ctx) if "role" in flag),
            ],
        ),
    ]


def _span(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else (end - start).total_seconds()


def _mins(seconds: float | None) -> str:
    return "n/a" if seconds is None else minutes_text(seconds)


def _when(at: datetime | None) -> str:
    return "not yet" if at is None else f"{at:%Y-%m-%d} {hhmm(at)}"


SECTIONS: tuple[tuple[str, Callable[[Context], list[str]]], ...] = (
    ("Summary", _summary),
    ("Impact window", _impact),
    ("Timeline", _timeline),
    ("Key decisions", _decisions),
    ("Changes and their measured effect", _changes),
    ("Metrics", _metrics),
    ("Action items", _action_items),
    ("Flags", _flags),
    ("Review questions", _review),
)
