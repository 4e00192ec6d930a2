"""How change-control events change the state: proposal, approval, start and result of a change."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from runbook_engine.timeline.events import Event, EventType
from runbook_engine.timeline.step_approval import approval_status, approvers_from
from runbook_engine.timeline.values import AuditFlag, Change, IncidentState, evolve

Reducer = Callable[[IncidentState, Event], IncidentState]


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
        strategy=p.get("strategy"),
        risk_source=str(p.get("risk_source") or "declared"),
    )
    roles, needed = approvers_from(p)
    return _put_change(state, replace(change, approvers=roles, approvals_needed=needed))


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
    status, approvals = approval_status(change, str(event.payload["by"]))
    approved = replace(
        change,
        status=status,
        approvals=approvals,
        approved_by=", ".join(approvals) if status == "approved" else None,
        approved_by_actor=event.actor,
        approved_at=event.at,
        approval_reason=str(event.payload.get("reason") or ""),
        same_account_approval=change.same_account_approval or same,
    )
    state = _put_change(state, approved)
    return _flag_same_account(state, event, approved) if same else state


def _approval_denied(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    return _update_change(
        state, p, status="denied", denied_by=str(p["by"]), denial_reason=str(p["reason"]), denied_at=event.at
    )


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
        cleanup_owed=owe(state.cleanup_owed, started.cleanup),
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


def owe(owed: tuple[str, ...], more: Any) -> tuple[str, ...]:
    """`owed` plus the node ids in `more` not already owed, order kept."""
    extra = [str(node) for node in (more or ()) if str(node) not in owed]
    return (*owed, *dict.fromkeys(extra))


CHANGE_REDUCERS: dict[EventType, Reducer] = {
    EventType.CHANGE_PROPOSED: _change_proposed,
    EventType.APPROVAL_REQUESTED: _approval_requested,
    EventType.APPROVAL_GRANTED: _approval_granted,
    EventType.APPROVAL_DENIED: _approval_denied,
    EventType.CHANGE_STARTED: _change_started,
    EventType.CHANGE_RESULT: _change_result,
}
