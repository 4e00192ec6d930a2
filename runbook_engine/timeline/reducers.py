"""How each event type changes an incident's state: one small pure function per type, one registry.

Reducers trust that the rules admitted the event; they stay tolerant of odd sequences (a replayed
or hand-built timeline) rather than raising, so a fold never fails halfway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Event, EventType, parse_utc
from runbook_engine.timeline.values import (
    ActionItem,
    AuditFlag,
    Change,
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

Reducer = Callable[[IncidentState, Event], IncidentState]


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
    ic = str(p["ic"])
    started = p.get("started_at")
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
        roles={"ic": ic},
        role_history=(RoleChange(event.seq, event.at, "ic", ic, None, event.actor.name),),
    )


def _role_assigned(state: IncidentState, event: Event) -> IncidentState:
    role, person = str(event.payload["role"]), str(event.payload["person"])
    record = RoleChange(event.seq, event.at, role, person, state.roles.get(role), event.actor.name)
    return evolve(state, roles={**state.roles, role: person}, role_history=(*state.role_history, record))


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


def _note(state: IncidentState, event: Event) -> IncidentState:
    return evolve(state, notes_count=state.notes_count + 1)


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


def _node_answered(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    key, node = (str(p["walker"]), str(p["runbook"])), str(p["node"])
    walk = state.walks.get(key) or Walk(*key)
    evidence = p.get("evidence")
    answered = Visit(node, event.at, str(p["answer"]), event.at, evidence)
    path = walk.path
    if path and path[-1].node == node and path[-1].answer is None:
        answered = replace(answered, entered_at=path[-1].entered_at)
        path = path[:-1]
    walks = {**state.walks, key: replace(walk, path=(*path, answered))}
    owed = _owe(tuple(c for c in state.cleanup_owed if c != node), p.get("cleanup", ()))
    return evolve(state, walks=walks, cleanup_owed=owed)


def _change_proposed(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    change = Change(
        change_id=str(p["change_id"]),
        action=str(p["action"]),
        owner=str(p["owner"]),
        hypothesis=str(p.get("hypothesis") or ""),
        rollback=p.get("rollback"),
        irreversible=bool(p.get("irreversible", False)),
        risky=bool(p.get("risky", False)),
        proposed_by=event.actor,
        proposed_at=event.at,
        runbook=p.get("runbook"),
        node=p.get("node"),
        cleanup=tuple(str(c) for c in p.get("cleanup", ())),
    )
    return _put_change(state, change)


def _approval_requested(state: IncidentState, event: Event) -> IncidentState:
    return _update_change(
        state,
        event.payload,
        approver_role=str(event.payload["approver_role"]),
        approval_requested_at=event.at,
    )


def _approval_granted(state: IncidentState, event: Event) -> IncidentState:
    change = state.changes.get(str(event.payload["change_id"]))
    if change is None:
        return state
    same = change.proposed_by.account == event.actor.account
    approved = replace(
        change,
        status="approved",
        approved_by=str(event.payload["by"]),
        approved_by_actor=event.actor,
        approved_at=event.at,
        approval_reason=str(event.payload.get("reason") or ""),
        same_account_approval=change.same_account_approval or same,
    )
    state = _put_change(state, approved)
    return _flag_same_account(state, event, approved) if same else state


def _approval_denied(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    return _update_change(state, p, status="denied", denied_by=str(p["by"]), denial_reason=str(p["reason"]))


def _change_started(state: IncidentState, event: Event) -> IncidentState:
    change = state.changes.get(str(event.payload["change_id"]))
    if change is None:
        return state
    approver = change.approved_by_actor
    same = approver is not None and approver.account == event.actor.account
    started = replace(
        change,
        status="in_flight",
        started_at=event.at,
        started_seq=event.seq,
        started_by=event.actor,
        same_account_approval=change.same_account_approval or same,
    )
    state = evolve(
        _put_change(state, started),
        in_flight_id=started.change_id,
        last_started_id=started.change_id,
        cleanup_owed=_owe(state.cleanup_owed, started.cleanup),
    )
    if same and not change.same_account_approval:
        state = _flag_same_account(state, event, started)
    return state


def _change_result(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    state = _update_change(
        state,
        p,
        status="done",
        result=str(p["result"]),
        result_at=event.at,
        result_seq=event.seq,
        observation=str(p.get("observation") or ""),
    )
    in_flight = None if state.in_flight_id == p["change_id"] else state.in_flight_id
    return evolve(state, in_flight_id=in_flight)


def _command_run(state: IncidentState, event: Event) -> IncidentState:
    return evolve(state, commands_count=state.commands_count + 1)


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
    return evolve(state, status_updates=(*state.status_updates, update))


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
    window = int(event.payload["window_s"])
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


def _put_change(state: IncidentState, change: Change) -> IncidentState:
    return evolve(state, changes={**state.changes, change.change_id: change})


def _update_change(state: IncidentState, payload: Mapping[str, Any], **fields: Any) -> IncidentState:
    change = state.changes.get(str(payload["change_id"]))
    return state if change is None else _put_change(state, replace(change, **fields))


def _flag_same_account(state: IncidentState, event: Event, change: Change) -> IncidentState:
    detail = (
        f"change {change.change_id} was approved from OS account {event.actor.account!r}, "
        "the same account that proposed or started it"
    )
    flag = AuditFlag(event.seq, event.at, "same_account_approval", detail)
    return evolve(state, audit_flags=(*state.audit_flags, flag))


def _owe(owed: tuple[str, ...], more: Any) -> tuple[str, ...]:
    """`owed` plus the node ids in `more` not already owed, order kept."""
    extra = [str(node) for node in (more or ()) if str(node) not in owed]
    return (*owed, *dict.fromkeys(extra))


_AFFECTS_DUE = frozenset(
    {
        EventType.INCIDENT_OPENED,
        EventType.SEVERITY_CHANGED,
        EventType.STATUS_UPDATE,
        EventType.RESOLVED,
        EventType.REOPENED,
    }
)

REDUCERS: dict[EventType, Reducer] = {
    EventType.INCIDENT_OPENED: _opened,
    EventType.ROLE_ASSIGNED: _role_assigned,
    EventType.ROLE_HANDED_OVER: _handed_over,
    EventType.SEVERITY_CHANGED: _severity,
    EventType.NOTE: _note,
    EventType.HYPOTHESIS_STATED: _hypothesis,
    EventType.HYPOTHESIS_DROPPED: _hypothesis_dropped,
    EventType.NODE_ENTERED: _node_entered,
    EventType.NODE_ANSWERED: _node_answered,
    EventType.CHANGE_PROPOSED: _change_proposed,
    EventType.APPROVAL_REQUESTED: _approval_requested,
    EventType.APPROVAL_GRANTED: _approval_granted,
    EventType.APPROVAL_DENIED: _approval_denied,
    EventType.CHANGE_STARTED: _change_started,
    EventType.CHANGE_RESULT: _change_result,
    EventType.COMMAND_RUN: _command_run,
    EventType.STATUS_UPDATE: _status_update,
    EventType.ACTION_ITEM: _action_item,
    EventType.MITIGATED: _mitigated,
    EventType.MONITORING_STARTED: _monitoring,
    EventType.RESOLVED: _resolved,
    EventType.REOPENED: _reopened,
    EventType.OVERRIDE: _override,
}
