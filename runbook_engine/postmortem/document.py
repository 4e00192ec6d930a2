"""The postmortem draft as Markdown: one function per section, text from the timeline escaped.

The questions a review must answer come with the facts the timeline holds for each, and a place
for the team's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from runbook_engine.comms import duration_text, hhmm, hypothesis_label, minutes_text
from runbook_engine.format.command_line import copyable
from runbook_engine.policy import Policy
from runbook_engine.postmortem.facts import Context, flags, metrics, strategy, strategy_declared
from runbook_engine.postmortem.followups import followups_section, updates_section
from runbook_engine.postmortem.review import QUESTIONS
from runbook_engine.render.escape import markdown as md
from runbook_engine.timeline.events import Event, EventType
from runbook_engine.timeline.format import command_part, human_line
from runbook_engine.timeline.state import Change, IncidentState

BUCKETS = (("1h", "Within 1 hour"), ("24h", "Within 24 hours"), ("1w", "Within 1 week"))


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
        f"- **Phase:** {s.phase}" + (f" (reopened {s.reopened_count} time(s))" if s.reopened_count else ""),
        f"- **Service:** {md(s.service or 'not named')}; runbook: {md(s.runbook or 'none named')}",
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
        impact, trend = event.payload.get("impact"), event.payload.get("trend")
        said = md(str(impact)) if impact else "impact not stated in this update"
        said += f"; trend: {md(str(trend))}" if trend else ""
        lines.append(f"- Reported at {hhmm(event.at)}: {said}")
    return lines


def _timeline(ctx: Context) -> list[str]:
    return [f"- {md(human_line(event))}" for event in ctx.events] or ["_No events._"]


def _decisions(ctx: Context) -> list[str]:
    s = ctx.state
    found = [_change_decision(s, change) for change in s.changes.values()]
    found += [(v.at, f"severity {v.before} → {v.after} by {v.by}: {v.reason}") for v in s.severity_history]
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
    skipped = [e for e in ctx.events if e.type is EventType.NODE_ANSWERED and e.payload.get("skipped")]
    found += [(e.at, _skipped(e)) for e in skipped]
    return [f"- {hhmm(at)} {md(text)}" for at, text in sorted(found, key=lambda f: f[0])] or [
        "_No decisions recorded._"
    ]


def _skipped(event: Event) -> str:
    """A ladder rung nobody tried is a decision too: which, by whom, and why."""
    p = event.payload
    return f"{p['runbook']}#{p['node']} not tried (skipped by {event.actor.name}): {p['skipped']}"


def _is_decision_note(event: Event) -> bool:
    """Notes written as `Decision: ...` are how people log a decision that is not an approval."""
    return event.type is EventType.NOTE and str(event.payload.get("text", "")).lower().startswith("decision:")


def _approval(change: Change) -> str:
    """Who approved; a risky change nobody approved is said to be so, never 'not risky'."""
    if change.approved_by:
        return f"approved by {change.approved_by}"
    if not change.risky:
        return "not risky, no approval needed"
    kind = "irreversible" if change.irreversible else "risky"
    if change.awaiting_approval:
        return f"{kind}, still waiting for approval"
    return f"{kind}, not approved"


def _change_decision(state: IncidentState, change: Change) -> tuple[datetime, str]:
    head = f"{change.change_id} ({change.action})"
    if change.status == "denied":
        when = change.denied_at or change.proposed_at
        return when, f"{change.denied_by or '?'} denied {head}: {change.denial_reason}"
    why = (
        change.approval_reason
        or f"tests {hypothesis_label(state, change.hypothesis) or 'no stated hypothesis'}"
    )
    who = _approval(change)
    guessed = "" if strategy_declared(change) else " (strategy guessed from the wording)"
    decided = change.approved_at or change.proposed_at
    return decided, f"{strategy(change)} chosen: {head}, {who}; why: {why}{guessed}"


def _changes(ctx: Context) -> list[str]:
    commands: dict[str, list[str]] = {}
    for event in ctx.events:
        if event.type is EventType.COMMAND_RUN and event.payload.get("change_id"):
            argv = copyable(event.payload.get("argv", []))
            part = command_part(event.payload)
            what = f"Command ({part})" if part else "Command"
            run = "dry run" if event.payload.get("dry_run") else f"exit {event.payload.get('exit_code')}"
            line = f"- {what}: {md(argv)} ({run})"
            commands.setdefault(str(event.payload["change_id"]), []).append(line)
    lines: list[str] = []
    for change in ctx.state.changes.values():
        lines += [f"### {md(change.change_id)}: {md(change.action)} ({_strategy_text(change)})", ""]
        lines += [*_change_facts(ctx, change), *commands.get(change.change_id, []), ""]
    return lines[:-1] or ["_No change was made._"]


def _strategy_text(change: Change) -> str:
    named = strategy(change)
    return named if strategy_declared(change) else f"{named}, guessed from the wording"


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
    return facts


def _metrics(ctx: Context) -> list[str]:
    m = metrics(ctx)
    cadence = (
        "kept" if m.cadence_misses == 0 else f"missed {m.cadence_misses} time(s)"
    ) + f"; {m.updates} update(s), longest gap {_mins(m.longest_update_gap_s)}"
    rows = [
        ("Time to incident commander (from impact start)", _mins(m.time_to_ic_s)),
        ("Detection gap (impact start to declaration)", _mins(m.detection_gap_s)),
        ("Mitigation gap (declaration to mitigation)", _mins(m.mitigation_gap_s)),
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


def _flags(ctx: Context) -> list[str]:
    return [f"- {md(flag)}" for flag in flags(ctx)] or ["_None raised._"]


def _review(ctx: Context) -> list[str]:
    lines: list[str] = []
    for question, gather in QUESTIONS:
        facts = gather(ctx)
        lines += [f"### {question}", "", "What the timeline shows:", ""]
        lines += [f"- {md(fact)}" for fact in facts] + ["", "Answer: _to be written by the review._", ""]
    return lines[:-1]


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
    ("Suggested follow-ups", followups_section),
    ("Runbook and alert updates", updates_section),
    ("Flags", _flags),
    ("Review questions", _review),
)
