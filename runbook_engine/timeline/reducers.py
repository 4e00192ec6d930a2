"""How each event type changes an incident's state: one small pure function per type, one registry.

Reducers trust that the rules admitted the event; they stay tolerant of odd sequences (a replayed
or hand-built timeline) rather than raising, so a fold never fails halfway.
"""

from __future__ import annotations

from dataclasses import replace

from runbook_engine.format.durations import clamp_duration
from runbook_engine.policy import Policy
from runbook_engine.timeline.authority_reducers import AUTHORITY_REDUCERS, pin
from runbook_engine.timeline.change_reducers import CHANGE_REDUCERS, Reducer, owe
from runbook_engine.timeline.events import Event, EventType, parse_utc
from runbook_engine.timeline.post_reducers import POST_REDUCERS, queue_posts
from runbook_engine.timeline.tasks import TASK_REDUCERS
from runbook_engine.timeline.values import (
    ActionItem,
    Hypothesis,
    IncidentState,
    Override,
    RoleChange,
    SeverityChange,
    StatusUpdate,
    Visit,
    Walk,
    evolve,
    next_update_due,
)


def reduce_event(state: IncidentState, event: Event, policy: Policy) -> IncidentState:
    """Apply one event, then the bookkeeping every event shares (count, last seq and hash, due)."""
    reducer = REDUCERS.get(event.type)
    changed = reducer(state, event) if reducer else state
    changed = evolve(
        changed,
        incident_id=event.incident_id,
        last_event_at=event.at,
        last_seq=event.seq,
        last_hash=event.hash,
        events_count=state.events_count + 1,
    )
    if event.type in _AFFECTS_DUE:
        changed = evolve(changed, next_update_due_at=next_update_due(changed, policy))
    return changed


def _opened(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    ic = p.get("ic")
    started = p.get("started_at")
    pinned = p.get("policy")
    return evolve(
        state,
        title=str(p["title"]),
        severity=str(p["severity"]),
        phase="open",
        opened_at=event.at,
        started_at=parse_utc(started) if started else event.at,
        runbook=p.get("runbook"),
        service=p.get("service"),
        opened_by=event.actor,
        pinned=pin(pinned["digest"], pinned["data"]) if pinned else None,
        ic_since=event.at if ic else None,
        roles={"ic": str(ic)} if ic else {},
        role_history=(RoleChange(event.seq, event.at, "ic", str(ic), None, event.actor.name),) if ic else (),
    )


def _role_assigned(state: IncidentState, event: Event) -> IncidentState:
    role, person = str(event.payload["role"]), str(event.payload["person"])
    record = RoleChange(event.seq, event.at, role, person, state.roles.get(role), event.actor.name)
    since = state.ic_since or (event.at if role == "ic" else None)
    return evolve(
        state,
        roles={**state.roles, role: person},
        role_history=(*state.role_history, record),
        ic_since=since,
    )


def _handed_over(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    role, person = str(p["role"]), str(p["to"])
    record = RoleChange(event.seq, event.at, role, person, str(p["from"]), event.actor.name, str(p["reason"]))
    return evolve(state, roles={**state.roles, role: person}, role_history=(*state.role_history, record))


def _severity(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    record = SeverityChange(
        event.seq, event.at, str(p["from"]), str(p["to"]), str(p["reason"]), event.actor.name
    )
    return evolve(state, severity=str(p["to"]), severity_history=(*state.severity_history, record))


RECENT_CHANGES = "recent_changes"
"""The note topic, and the command part, that answer "what changed in the last hour?"."""


def _note(state: IncidentState, event: Event) -> IncidentState:
    answered = event.payload.get("topic") == RECENT_CHANGES
    return evolve(
        state,
        notes_count=state.notes_count + 1,
        recent_changes_at=state.recent_changes_at or (event.at if answered else None),
    )


def _hypothesis(state: IncidentState, event: Event) -> IncidentState:
    h = Hypothesis(str(event.payload["id"]), str(event.payload["text"]), event.actor.name, event.at)
    return evolve(state, hypotheses={**state.hypotheses, h.id: h})


def _hypothesis_dropped(state: IncidentState, event: Event) -> IncidentState:
    known = state.hypotheses.get(str(event.payload["id"]))
    if known is None:
        return state
    dropped = replace(known, dropped_at=event.at, drop_reason=str(event.payload["reason"]))
    return evolve(state, hypotheses={**state.hypotheses, known.id: dropped})


def _node_entered(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    key = (str(p["walker"]), str(p["runbook"]))
    walk = state.walks.get(key) or Walk(*key)
    walk = replace(walk, path=(*walk.path, Visit(str(p["node"]), event.at)))
    return evolve(state, walks={**state.walks, key: walk})


def _gathered(
    state: IncidentState, key: tuple[str, str], walk: Walk, node: str, item: tuple[str, str]
) -> IncidentState:
    """One check of a gather node answered: kept on the current visit; the walker stays there."""
    if not walk.path or walk.path[-1].node != node:
        return state
    visit = replace(walk.path[-1], gathered=(*walk.path[-1].gathered, item))
    walks = {**state.walks, key: replace(walk, path=(*walk.path[:-1], visit))}
    return evolve(state, walks=walks)


def _node_answered(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    key, node = (str(p["walker"]), str(p["runbook"])), str(p["node"])
    walk = state.walks.get(key) or Walk(*key)
    if p.get("gathered"):
        return _gathered(state, key, walk, node, (str(p["answer"]), str(p.get("evidence") or "")))
    evidence = p.get("evidence")
    answered = Visit(node, event.at, str(p["answer"]), event.at, evidence)
    path = walk.path
    if path and path[-1].node == node and path[-1].answer is None:
        answered = replace(answered, entered_at=path[-1].entered_at, gathered=path[-1].gathered)
        path = path[:-1]
    walks = {**state.walks, key: replace(walk, path=(*path, answered))}
    owed = owe(tuple(c for c in state.cleanup_owed if c != node), p.get("cleanup", ()))
    return evolve(state, walks=walks, cleanup_owed=owed)


def _command_run(state: IncidentState, event: Event) -> IncidentState:
    answered = event.payload.get("part") == RECENT_CHANGES
    return evolve(
        state,
        commands_count=state.commands_count + 1,
        recent_changes_at=state.recent_changes_at or (event.at if answered else None),
    )


def _status_update(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    promised = p.get("next_update_at")
    update = StatusUpdate(
        event.seq,
        event.at,
        event.actor.name,
        str(p["kind"]),
        str(p.get("text") or ""),
        parse_utc(promised) if promised else None,
    )
    return queue_posts(evolve(state, status_updates=(*state.status_updates, update)), event)


def _action_item(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    item = ActionItem(
        event.seq,
        event.at,
        str(p["text"]),
        str(p["owner"]),
        str(p["due"]),
        str(p["bucket"]),
        event.actor.name,
    )
    return evolve(state, action_items=(*state.action_items, item))


def _mitigated(state: IncidentState, event: Event) -> IncidentState:
    summary = str(event.payload.get("summary") or "")
    return evolve(
        state, phase="mitigated", mitigated_at=event.at, mitigated_seq=event.seq, mitigation_summary=summary
    )


def _monitoring(state: IncidentState, event: Event) -> IncidentState:
    window = clamp_duration(int(event.payload["window_s"]))
    return evolve(state, phase="monitoring", monitoring_started_at=event.at, monitoring_window_s=window)


def _resolved(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    return evolve(
        state,
        phase="resolved",
        resolved_at=event.at,
        resolution_summary=str(p.get("summary") or ""),
        resolve_override_reason=str(p.get("override_reason") or ""),
    )


def _reopened(state: IncidentState, event: Event) -> IncidentState:
    return evolve(
        state,
        phase="open",
        mitigated_at=None,
        mitigated_seq=None,
        monitoring_started_at=None,
        monitoring_window_s=None,
        resolved_at=None,
        reopened_count=state.reopened_count + 1,
        reopened_at=event.at,
    )


def _override(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    record = Override(event.seq, event.at, str(p["rule"]), str(p["reason"]), event.actor.name)
    return evolve(state, overrides=(*state.overrides, record))


_AFFECTS_DUE = frozenset(
    {
        EventType.INCIDENT_OPENED,
        EventType.SEVERITY_CHANGED,
        EventType.STATUS_UPDATE,
        EventType.RESOLVED,
        EventType.REOPENED,
        EventType.POLICY_CHANGED,
    }
)

REDUCERS: dict[EventType, Reducer] = {
    **CHANGE_REDUCERS,
    **AUTHORITY_REDUCERS,
    **TASK_REDUCERS,
    **POST_REDUCERS,
    EventType.INCIDENT_OPENED: _opened,
    EventType.ROLE_ASSIGNED: _role_assigned,
    EventType.ROLE_HANDED_OVER: _handed_over,
    EventType.SEVERITY_CHANGED: _severity,
    EventType.NOTE: _note,
    EventType.HYPOTHESIS_STATED: _hypothesis,
    EventType.HYPOTHESIS_DROPPED: _hypothesis_dropped,
    EventType.NODE_ENTERED: _node_entered,
    EventType.NODE_ANSWERED: _node_answered,
    EventType.COMMAND_RUN: _command_run,
    EventType.STATUS_UPDATE: _status_update,
    EventType.ACTION_ITEM: _action_item,
    EventType.MITIGATED: _mitigated,
    EventType.MONITORING_STARTED: _monitoring,
    EventType.RESOLVED: _resolved,
    EventType.REOPENED: _reopened,
    EventType.OVERRIDE: _override,
}
