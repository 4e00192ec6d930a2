"""Status update drafts (initial, update, resolution) from an incident's state, as text or Markdown.

Fields a person knows better than the timeline (impact, who is affected, the trend, the root
cause) come in through `DraftInputs`; every other line is derived from the state by `wording`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field, replace
from datetime import datetime, timedelta
from typing import Any

from runbook_engine.comms.seed_fields import decision_needed, plan_next, risky_pending, stakeholders_text
from runbook_engine.comms.wording import (
    IDLE,
    ActionLine,
    actions_in_progress,
    duration_text,
    fix_text,
    follow_ups,
    hhmm,
    hypothesis_text,
    latest_observation,
    progress_text,
    root_cause_as_known,
    status_word,
)
from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.render.escape import markdown as escape_markdown
from runbook_engine.timeline.events import Event, EventType, iso_utc
from runbook_engine.timeline.state import IncidentState, severity_rule

KINDS = ("initial", "update", "resolution")


@frozen
class DraftInputs:
    """What the people running the incident add to (or correct in) a draft."""

    impact: str = ""
    impact_as_of: datetime | None = None
    """When a carried-over impact was first reported (None: it is current)."""
    affected: str = ""
    hypothesis: str = ""
    trend: str = ""
    progress: str = ""
    root_cause: str = ""
    fix: str = ""
    customer_impact: str = ""
    postmortem_at: str = ""
    next_update_at: datetime | None = None
    actions: tuple[ActionLine, ...] = ()
    workaround: str = ""
    scope: str = ""
    """Which users, which region (seed 000's "states the impact precisely")."""
    plan: str = ""
    """The plan for the next 10 minutes (seed 000)."""
    decision: str = ""
    """The decision needed now (seed 001's command loop)."""


@frozen
class StatusDraft:
    """A status update ready to post: labelled lines in order, plus the structured fields."""

    kind: str
    incident_id: str
    severity: str
    title: str
    at: datetime
    lines: tuple[tuple[str, str], ...]
    impact: str
    hypothesis: str
    actions: tuple[ActionLine, ...] = ()
    trend: str = ""
    next_update_at: datetime | None = None
    follow_ups: tuple[str, ...] = field(default_factory=tuple)

    def payload(self) -> dict[str, Any]:
        """The `status_update` event payload, with the text rendering as `text`."""
        return {
            "kind": self.kind,
            "impact": self.impact,
            "hypothesis": self.hypothesis,
            "actions": [a.payload() for a in self.actions],
            "trend": self.trend or None,
            "next_update_at": iso_utc(self.next_update_at) if self.next_update_at else None,
            "text": render_text(self),
        }


def default_kind(state: IncidentState) -> str:
    """Resolution once resolved, initial before any update was posted, else a regular update."""
    if state.phase == "resolved":
        return "resolution"
    return "update" if state.status_updates else "initial"


def with_last_impact(inputs: DraftInputs, events: Sequence[Event]) -> DraftInputs:
    """`inputs`, with the impact said in earlier status updates when none is given.

    A carried-over impact keeps the time it was first reported (`impact_as_of`), so the draft
    can say how old it is. The trend is never carried over: an old trend presented as current
    would be fake certainty.
    """
    if inputs.impact:
        return inputs
    said = [e for e in events if e.type is EventType.STATUS_UPDATE and e.payload.get("impact")]
    if not said:
        return inputs
    impact = str(said[-1].payload["impact"])
    first = said[-1]
    for event in reversed(said):
        if str(event.payload["impact"]) != impact:
            break
        first = event
    return replace(inputs, impact=impact, impact_as_of=first.at)


def build_draft(
    state: IncidentState, policy: Policy, now: datetime, kind: str, inputs: DraftInputs
) -> StatusDraft:
    """The draft of `kind` for `state` at `now`."""
    builders = {"initial": _initial_lines, "update": _update_lines, "resolution": _resolution_lines}
    next_at = None if kind == "resolution" else _next_update(state, policy, now, inputs)
    impact = inputs.impact
    actions = actions_in_progress(state) + inputs.actions
    seeds = SeedFields(
        risky_pending(state),
        inputs.decision or decision_needed(state, policy),
        inputs.plan or plan_next(state),
        stakeholders_text(state, policy),
    )
    lines = builders[kind](state, now, inputs, _Extras(impact, actions, next_at, seeds))
    return StatusDraft(
        kind=kind,
        incident_id=state.incident_id,
        severity=state.severity,
        title=state.title,
        at=now,
        lines=tuple(lines),
        impact=impact,
        hypothesis=inputs.hypothesis or hypothesis_text(state),
        actions=actions if kind != "resolution" else (),
        trend=inputs.trend,
        next_update_at=next_at,
        follow_ups=tuple(follow_ups(state)) if kind == "resolution" else (),
    )


@frozen
class SeedFields:
    """The seeds' fields the timeline answers, worked out once per draft."""

    risky_pending: str
    decision: str
    plan: str
    stakeholders: str


@frozen
class _Extras:
    """The parts of an update draft that come from the timeline rather than the template."""

    impact: str
    actions: tuple[ActionLine, ...]
    next_update_at: datetime | None
    seeds: SeedFields


def _initial_lines(
    state: IncidentState, now: datetime, inputs: DraftInputs, extra: _Extras
) -> list[tuple[str, str]]:
    started = hhmm(state.started_at or state.opened_at or now)
    return [
        ("Status", status_word(state)),
        ("What is broken", state.title),
        ("Impact", _impact_text(state, inputs, extra.impact)),
        ("Affected", inputs.affected or "being assessed"),
        ("Scope", inputs.scope or "being assessed (which users, which region)"),
        ("Workaround", inputs.workaround or "none known yet"),
        ("Started", f"{started} (estimated)"),
        ("What we are doing", _actions_text(extra.actions) or "investigating; no change made yet"),
        ("Current hypothesis", inputs.hypothesis or hypothesis_text(state)),
        ("Risky changes pending", extra.seeds.risky_pending),
        ("Incident commander", state.ic or "not yet assigned"),
        ("Stakeholders", extra.seeds.stakeholders),
        ("Next update", _next_text(extra.next_update_at)),
    ]


def _impact_text(state: IncidentState, inputs: DraftInputs, impact: str) -> str:
    """The impact, saying when it was measured if it is carried over from an earlier update."""
    if not impact:
        return "being assessed"
    if inputs.impact_as_of is None:
        return impact
    age = f"as reported at {hhmm(inputs.impact_as_of)}"
    if state.mitigated_at is not None and state.mitigated_at > inputs.impact_as_of:
        age += f", before mitigation at {hhmm(state.mitigated_at)}"
    return f"{impact} ({age})"


def _update_lines(
    state: IncidentState, now: datetime, inputs: DraftInputs, extra: _Extras
) -> list[tuple[str, str]]:
    return [
        ("Status", status_word(state)),
        ("Impact", _impact_text(state, inputs, extra.impact)),
        *([("Affected", inputs.affected)] if inputs.affected else []),
        ("Progress", inputs.progress or progress_text(state)),
        ("Current hypothesis", inputs.hypothesis or hypothesis_text(state)),
        ("Actions in progress", _actions_text(extra.actions) or IDLE.get(state.phase, "none")),
        ("Trend", inputs.trend or latest_observation(state) or "not measured yet"),
        *([("Scope", inputs.scope)] if inputs.scope else []),
        ("Workaround", inputs.workaround or "none known yet"),
        ("Plan for the next 10 min", extra.seeds.plan or "keep investigating; next update as due"),
        ("Decision needed now", extra.seeds.decision),
        ("Risky changes pending", extra.seeds.risky_pending),
        ("Stakeholders", extra.seeds.stakeholders),
        ("Next update", _next_text(extra.next_update_at)),
    ]


def _resolution_lines(
    state: IncidentState, now: datetime, inputs: DraftInputs, extra: _Extras
) -> list[tuple[str, str]]:
    promised = follow_ups(state)
    return [
        ("Status", "Resolved" if state.phase == "resolved" else status_word(state)),
        ("Duration", duration_text(state, now)),
        ("Root cause", inputs.root_cause or root_cause_as_known(state)),
        ("Fix applied", inputs.fix or fix_text(state)),
        ("Customer impact", inputs.customer_impact or extra.impact or "not measured"),
        ("Follow-ups", "; ".join(promised) if promised else "none recorded yet"),
        ("Postmortem", inputs.postmortem_at or "to be scheduled"),
    ]


def render_text(draft: StatusDraft) -> str:
    """Plain text for chat or a pager: a header line and `Label: value` lines."""
    body = [f"{label}: {value}" for label, value in draft.lines]
    return "\n".join([_header(draft), *body]) + "\n"


def render_markdown(draft: StatusDraft) -> str:
    """Markdown with every value escaped (values come from people's free text)."""
    head = f"**{escape_markdown(_header(draft))}**"
    body = [f"- **{label}:** {escape_markdown(value)}" for label, value in draft.lines]
    return "\n".join([head, "", *body]) + "\n"


def _header(draft: StatusDraft) -> str:
    label = {"initial": "INCIDENT", "update": "INCIDENT UPDATE", "resolution": "INCIDENT RESOLVED"}
    return f"[{hhmm(draft.at)}] {label[draft.kind]} {draft.severity} {draft.incident_id}: {draft.title}"


def _actions_text(actions: Sequence[ActionLine]) -> str:
    return "; ".join(f"{a.action}, owned by {a.owner}" + (f", ETA {a.eta}" if a.eta else "") for a in actions)


def _next_update(state: IncidentState, policy: Policy, now: datetime, inputs: DraftInputs) -> datetime | None:
    if inputs.next_update_at is not None:
        return inputs.next_update_at
    rule = severity_rule(policy, state.severity)
    if rule is None or rule.update_cadence_s is None:
        return None
    return now + timedelta(seconds=rule.update_cadence_s)


def _next_text(at: datetime | None) -> str:
    return "as needed" if at is None else f"{hhmm(at)} or sooner if anything changes"
