"""The status board of `runbook incident status|show|list`: what an IC needs to see at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from runbook_engine.comms import hhmm, minutes_text
from runbook_engine.comms.reminders import update_notice
from runbook_engine.policy import Policy
from runbook_engine.terminal_text import visible, visible_line
from runbook_engine.timeline.board import ChecklistItem, board, checklist
from runbook_engine.timeline.events import parse_utc
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.four_eyes import decider
from runbook_engine.timeline.state import IncidentState, severity_rule
from runbook_engine.timeline.store import IncidentSummary


def board_lines(state: IncidentState, policy: Policy, now: datetime) -> list[str]:
    """The board as lines: header, times, roles, change in flight, approvals, update cadence."""
    data = board(state, policy, now)
    return [
        f"{state.incident_id}  {state.severity}  {state.phase.upper()}  {state.title}",
        *_no_ic(state, data),
        _times(state),
        _roles(state, policy),
        _in_flight(state, now),
        _approvals(state, policy),
        "Hypotheses: " + ("; ".join(f"{h.id} {h.text}" for h in state.active_hypotheses) or "none"),
        _update_due(state, now),
        *_outbox(state),
        *_tasks(data),
        *([f"Cleanup owed: {', '.join(state.cleanup_owed)}"] if state.cleanup_owed else []),
        f"Action items: {len(state.action_items)}",
        "Stakeholders: " + (", ".join(data["stakeholders"]) or "none named for " + state.severity),
        "First ten minutes: " + "  ".join(_tick(item) for item in checklist(state)),
    ]


def _no_ic(state: IncidentState, data: dict[str, Any]) -> list[str]:
    late = data["response_late_s"]
    if state.ic is None:
        past = f"; {minutes_text(late)} past the response start" if late else ""
        return [f"NO IC: nobody has taken command{past} (runbook incident assign {state.incident_id} ic YOU)"]
    since = data["time_to_ic_s"]
    return [] if since is None else [f"Time to IC: {minutes_text(since)} from the start of impact"]


def _tasks(data: dict[str, Any]) -> list[str]:
    lines = [
        f"Task {t['task_id']}: {t['text']} (owner {t['owner']}, ETA {hhmm(parse_utc(t['eta']))}"
        + ("" if t["acknowledged"] else ", NOT YET DELEGATED: unacknowledged")
        + ")"
        for t in data["tasks"]
    ]
    return lines + [f"FLAG: {flag['detail']}" for flag in data["flags"]]


def _tick(item: ChecklistItem) -> str:
    return f"[{'x' if item.done else ' '}] {item.text}"


def print_board(state: IncidentState, policy: Policy, now: datetime) -> None:
    print(visible("\n".join(board_lines(state, policy, now))))


def _times(state: IncidentState) -> str:
    parts = [f"started {_at(state.started_at)} (est.)", f"declared {_at(state.opened_at)}"]
    if state.mitigated_at:
        parts.append(f"mitigated {_at(state.mitigated_at)}")
    if state.monitoring_started_at and state.monitoring_window_s:
        parts.append(
            f"monitoring {minutes_text(state.monitoring_window_s)} from {_at(state.monitoring_started_at)}"
        )
    if state.resolved_at:
        parts.append(f"resolved {_at(state.resolved_at)}")
    return "Times: " + ", ".join(parts)


def _roles(state: IncidentState, policy: Policy) -> str:
    held = ", ".join(f"{role_name(role)} {person}" for role, person in state.roles.items())
    rule = severity_rule(policy, state.severity)
    missing = [role_name(r) for r in (rule.required_roles if rule else ()) if r not in state.roles]
    suffix = f" (missing for {state.severity}: {', '.join(missing)})" if missing else ""
    return f"Roles: {held or 'none'}{suffix}"


def _in_flight(state: IncidentState, now: datetime) -> str:
    change = state.change_in_flight
    if change is None:
        return "Change in flight: none"
    since = minutes_text((now - change.started_at).total_seconds()) if change.started_at else "?"
    return f"Change in flight: {change.change_id} {change.action} (owner {change.owner}, started {since} ago)"


def _approvals(state: IncidentState, policy: Policy) -> str:
    pending = state.pending_approvals
    if not pending:
        return "Pending approvals: none"
    chosen = decider(state, pending[0], policy)
    who = f"{role_name(chosen[0])} {chosen[1]}" if chosen else "nobody may decide (assign the approver)"
    items = "; ".join(f"{c.change_id} {c.action} (owner {c.owner})" for c in pending)
    return f"Pending approvals: {items}; approver: {who}"


def _update_due(state: IncidentState, now: datetime) -> str:
    last = state.last_status_update
    said = f"last {last.kind} at {hhmm(last.at)}" if last else "none posted yet"
    due = state.next_update_due_at
    if state.phase == "resolved" or due is None:
        return f"Status updates: {said}; none due"
    overdue = state.update_overdue_s(now)
    if overdue is not None:
        return f"Status updates: {said}; OVERDUE by {minutes_text(overdue)} (was due {hhmm(due)})"
    notice = update_notice(state, now)
    if notice is not None:
        return f"Status updates: {said}; {notice}"
    return f"Status updates: {said}; next due {hhmm(due)} (in {minutes_text((due - now).total_seconds())})"


def _outbox(state: IncidentState) -> list[str]:
    """Only when something was posted to chat: what has not reached its channel yet."""
    if not state.posts:
        return []
    waiting = state.undelivered_posts
    if not waiting:
        return [f"Outbox: all {len(state.posts)} delivered"]
    items = "; ".join(
        f"#{p.about_seq} to {p.channel} ({p.last_error or p.status})" for p in waiting
    )
    return [f"Outbox: {len(waiting)} NOT DELIVERED: {items} (runbook incident outbox {state.incident_id})"]


def _at(at: datetime | None) -> str:
    return "-" if at is None else hhmm(at)


def print_incidents(incidents: Sequence[IncidentSummary]) -> None:
    if not incidents:
        print("no incidents")
        return
    for s in incidents:
        opened = f"{s.opened_at:%Y-%m-%d %H:%M}" if s.opened_at else "-"
        print(visible_line(f"{s.incident_id}  {s.severity:<5}  {s.phase:<10}  {opened}  {s.title}"))
