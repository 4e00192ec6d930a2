"""The postmortem's suggested follow-ups (accepted, dismissed or open) and its section for
runbook and alert updates (seed 001's output artifact)."""

from __future__ import annotations

import re

from runbook_engine.postmortem.facts import Context
from runbook_engine.render.escape import markdown as md
from runbook_engine.timeline.followups import suggestions

_RUNBOOK_OR_ALERT = re.compile(r"\b(runbook|alert|alarm|monitor|dashboard|page|paging)", re.IGNORECASE)
_MARK = {"accepted": "[x] accepted", "dismissed": "[-] dismissed"}


def followups_section(ctx: Context) -> list[str]:
    """Each suggestion with its decision, or the one command that decides it."""
    lines = []
    for s in suggestions(ctx.state):
        decided = ctx.state.followups.get(s.key)
        how = (
            _MARK[decided]
            if decided
            else (f"open: `runbook incident followup {ctx.state.incident_id} {s.key} accept|dismiss`")
        )
        lines.append(f"- ({s.bucket}) {md(s.text)}: {how}")
    return lines


def updates_section(ctx: Context) -> list[str]:
    """What should change in the runbooks and alerts: the runbooks walked, the action items that
    name a runbook or an alert, and the hypotheses the walk did not lead to."""
    s = ctx.state
    walked = sorted({runbook for (_, runbook) in s.walks})
    lines = [
        f"- Runbook walked: {md(runbook)} (nodes: {md(', '.join(s.visited_nodes(runbook)))})"
        for runbook in walked
    ]
    lines += [
        f"- Action item: {md(i.text)} (owner {md(i.owner)}, due {md(i.due)})"
        for i in s.action_items
        if _RUNBOOK_OR_ALERT.search(i.text)
    ]
    if s.started_at and s.opened_at and s.opened_at > s.started_at:
        gap = round((s.opened_at - s.started_at).total_seconds() / 60)
        lines.append(
            f"- The incident was declared {gap} min after impact began: which alert should have fired?"
        )
    return lines or ["_None recorded: add the runbook and alert changes this incident calls for._"]
