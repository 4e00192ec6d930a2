"""The review questions of a postmortem, each with the facts the timeline holds to answer it.

The timeline cannot answer these questions; it can stop a review from answering them from memory.
Each question has one small function that gathers its facts as plain sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from runbook_engine.comms import hhmm, minutes_text
from runbook_engine.postmortem.facts import Context, flags, span
from runbook_engine.timeline.events import EventType


def longest_impact(ctx: Context) -> list[str]:
    s = ctx.state
    first_change = min((c.started_at for c in s.changes.values() if c.started_at), default=None)
    facts = [
        f"user impact lasted {_mins(span(s.started_at, s.mitigated_at or ctx.now))} from its start to "
        + ("mitigation" if s.mitigated_at else "the draft (not mitigated)"),
        f"the first change started {_mins(span(s.started_at, first_change))} after impact began",
    ]
    stretch = longest_reported_impact(ctx)
    if stretch is not None:
        impact, start, end = stretch
        facts.append(
            f'longest-standing reported impact: "{impact}" from {hhmm(start)} to {hhmm(end)} '
            f"({_mins((end - start).total_seconds())})"
        )
    return facts


def longest_reported_impact(ctx: Context) -> tuple[str, datetime, datetime] | None:
    """The impact statement that stood longest: from its first report to the next different one
    (or mitigation, resolution, or now)."""
    said = [
        (e.at, str(e.payload.get("impact") or "")) for e in ctx.events if e.type is EventType.STATUS_UPDATE
    ]
    stretches: list[tuple[str, datetime, datetime]] = []
    for at, impact in said:
        if stretches and stretches[-1][0] == impact:
            continue
        if stretches:
            stretches[-1] = (stretches[-1][0], stretches[-1][1], at)
        stretches.append((impact, at, at))
    if not stretches:
        return None
    end = ctx.state.mitigated_at or ctx.state.resolved_at or ctx.now
    last = stretches[-1]
    stretches[-1] = (last[0], last[1], max(last[1], end))
    return max((s for s in stretches if s[0]), key=lambda s: s[2] - s[1], default=None)


def wrong_assumptions(ctx: Context) -> list[str]:
    s = ctx.state
    facts = [f"hypothesis dropped: {h.text} ({h.drop_reason})" for h in s.hypotheses.values() if not h.active]
    facts += [
        f"{c.action}: {c.result} ({c.observation})"
        for c in s.changes.values()
        if c.result in ("no_change", "worse")
    ]
    return facts or ["no hypothesis was dropped and no change failed"]


def missing_signals(ctx: Context) -> list[str]:
    s = ctx.state
    first_guess = min((h.stated_at for h in s.hypotheses.values()), default=None)
    unsupported = sum(
        1
        for walk in s.walks.values()
        for visit in walk.path
        if visit.answer is not None and not visit.evidence
    )
    return [
        f"impact began {_mins(span(s.started_at, s.opened_at))} before the incident was declared",
        f"the first hypothesis came {_mins(span(s.opened_at, first_guess))} after the declaration",
        f"{sum(1 for c in s.changes.values() if c.observation)} change result(s) say what was observed",
        f"{unsupported} runbook answer(s) were given without evidence",
    ]


def recurrence_or_speed(ctx: Context) -> list[str]:
    items = ctx.state.action_items
    return [f"{i.text} ({i.owner}): prevents recurrence, or speeds the response?" for i in items] or [
        "no action item recorded"
    ]


def runbook_gaps(ctx: Context) -> list[str]:
    s = ctx.state
    walked = sorted({f"{w.runbook} (walked by {w.walker})" for w in s.walks.values()})
    off_book = [c.change_id for c in s.changes.values() if not c.runbook]
    handovers = sum(1 for r in s.role_history if r.reason)
    return [
        f"runbooks followed: {', '.join(walked) or 'none'}",
        f"changes made outside any runbook: {', '.join(off_book) or 'none'}",
        f"role handovers during the incident: {handovers}",
        *(flag for flag in flags(ctx) if "role" in flag or "override" in flag),
    ]


def _mins(seconds: float | None) -> str:
    return "n/a" if seconds is None else minutes_text(seconds)


QUESTIONS: tuple[tuple[str, Callable[[Context], list[str]]], ...] = (
    ("What user impact lasted the longest?", longest_impact),
    ("Which assumptions were wrong?", wrong_assumptions),
    ("Which signals were missing or too noisy?", missing_signals),
    ("Which action items prevent recurrence, and which only speed up the response?", recurrence_or_speed),
    ("Which runbook, alert or ownership gap made the incident worse?", runbook_gaps),
)
