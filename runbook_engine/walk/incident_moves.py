"""Incident-wide events typed at a walk prompt (severity, handover, action item, status update).

Pure builders: each takes the state and what the person typed and returns the `NewEvent`; the
status update's fields are prefilled from the state so a tired responder mostly presses Enter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from runbook_engine.format.durations import parse_duration
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Actor, EventType, NewEvent, iso_utc
from runbook_engine.timeline.state import IncidentState
from runbook_engine.timeline.values import stakeholder_groups

ROLES = ("ic", "comms", "ops", "scribe", "tech_lead", "primary", "owner")
BUCKETS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "1w": timedelta(weeks=1)}


def severity(state: IncidentState, actor: Actor, to: str, reason: str) -> NewEvent:
    payload = {"from": state.severity, "to": to, "reason": reason}
    return NewEvent(EventType.SEVERITY_CHANGED, actor, payload)


def handover(state: IncidentState, actor: Actor, role: str, to: str, reason: str) -> NewEvent:
    """A handover from the current holder, or a first assignment when nobody holds the role."""
    holder = state.roles.get(role)
    if holder is None:
        return NewEvent(EventType.ROLE_ASSIGNED, actor, {"role": role, "person": to})
    payload = {"role": role, "from": holder, "to": to, "reason": reason}
    return NewEvent(EventType.ROLE_HANDED_OVER, actor, payload)


def due_date(bucket: str, now: datetime) -> str:
    return (now + BUCKETS[bucket]).date().isoformat()


def action_item(actor: Actor, text: str, owner: str, bucket: str, due: str) -> NewEvent:
    payload = {"text": text, "owner": owner, "due": due, "bucket": bucket}
    return NewEvent(EventType.ACTION_ITEM, actor, payload)


def check_date(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return "a date like 2026-11-23"
    return None


def check_duration(value: str) -> str | None:
    try:
        parse_duration(value)
    except ValueError as exc:
        return str(exc)
    return None


def update_defaults(state: IncidentState, policy: Policy, impact_hint: str) -> dict[str, str]:
    """Prefilled status-update fields from what the timeline knows (never more certain than it)."""
    last = state.last_status_update
    rule = policy.severities.get(state.severity)
    cadence = rule.update_cadence_s if rule is not None and rule.update_cadence_s else 15 * 60
    hypothesis = state.active_hypotheses[-1].text if state.active_hypotheses else "not known yet"
    change = state.change_in_flight
    actions = f"{change.action} ({change.owner})" if change is not None else ""
    return {
        "kind": "update" if last is not None else "initial",
        "impact": impact_hint or state.title,
        "hypothesis": hypothesis,
        "actions": actions,
        "next": f"{cadence // 60}m" if cadence % 60 == 0 else f"{cadence}s",
    }


def stakeholder_channels(state: IncidentState, policy: Policy) -> tuple[str, ...]:
    """The channel names of the severity's stakeholder groups (none when the policy has none)."""
    return tuple(c.name for c in policy.channels.of_groups(stakeholder_groups(state, policy)))


def status_update(
    state: IncidentState,
    actor: Actor,
    values: dict[str, str],
    now: datetime,
    post_to: Sequence[str] = (),
    policy: Policy | None = None,
) -> NewEvent:
    """The status update event, its text drafted by the one template the CLI and drills use."""
    next_at = now + timedelta(seconds=parse_duration(values["next"]))
    actions = [_action(part) for part in values["actions"].split(";") if part.strip()]
    lines = [
        f"[{now:%H:%M} UTC] {state.severity} {state.title}",
        f"Impact: {values['impact']}",
        f"Current hypothesis: {values['hypothesis']}",
        "Actions in progress: " + (", ".join(_action_text(a) for a in actions) or "none"),
        f"Next update: {next_at:%H:%M} UTC",
    ]
    if policy is not None:
        # Drafting is only needed when an update is written: its modules stay off the walk's start.
        from runbook_engine.comms import ActionLine, DraftInputs, build_draft, render_text

        inputs = DraftInputs(
            impact=values["impact"],
            hypothesis=values["hypothesis"],
            next_update_at=next_at,
            actions=tuple(ActionLine(a["action"], a["owner"], a.get("eta", "")) for a in actions),
        )
        lines = [render_text(build_draft(state, policy, now, values["kind"], inputs)).rstrip("\n")]
    payload = {
        "kind": values["kind"],
        "impact": values["impact"],
        "hypothesis": values["hypothesis"],
        "actions": actions,
        "next_update_at": iso_utc(next_at),
        "text": "\n".join(lines),
        **({"post_to": list(post_to)} if post_to else {}),
    }
    return NewEvent(EventType.STATUS_UPDATE, actor, payload)


def _action_text(action: dict[str, str]) -> str:
    eta = f", ETA {action['eta']}" if action.get("eta") else ""
    return f"{action['action']} owned by {action['owner']}{eta}"


def _action(text: str) -> dict[str, str]:
    """`restart pods (alice, 14:40)` -> action, owner and ETA (HH:MM is UTC); no owner written
    means `unassigned`, no ETA means none said."""
    text = text.strip()
    if not (text.endswith(")") and "(" in text):
        return {"action": text, "owner": "unassigned"}
    action, _, inside = text[:-1].rpartition("(")
    owner, _, eta = inside.partition(",")
    eta = eta.strip()
    eta = f"{eta} UTC" if _HHMM.match(eta) else eta
    return {"action": action.strip(), "owner": owner.strip().lstrip("@"), **({"eta": eta} if eta else {})}


_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")
