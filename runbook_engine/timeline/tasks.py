"""Delegated work as tasks: owner, ETA, acknowledgement; their rules, their fold, and the flags
for work nobody acknowledged, an ETA that passed, and nothing in progress (seed 002)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.timeline.authority import authority_refusal, person_refusal
from runbook_engine.timeline.change_reducers import Reducer
from runbook_engine.timeline.events import Event, EventType, NewEvent, parse_utc
from runbook_engine.timeline.followups import suggestion, suggestions
from runbook_engine.timeline.refusal import Check, Refusal, missing
from runbook_engine.timeline.values import IncidentState, Task, effective_policy, evolve


@frozen
class TaskFlag:
    """Something about the incident's tasks that needs attention: its kind, task and detail."""

    kind: str
    """`unacknowledged`, `eta_passed` or `nothing_in_progress`."""
    task_id: str | None
    detail: str


def _assigned(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    p = event.payload
    if str(p["task_id"]) in state.tasks:
        return Refusal("duplicate_id", f"task {p['task_id']} already exists", "use a new task id")
    if missing(p.get("text")):
        return Refusal("task_text_required", "a task needs to say what to do", "say it in a sentence")
    refusal = authority_refusal(state, policy, "task", event.actor.name)
    return refusal or person_refusal(state, policy, str(p["owner"]))


def _acked(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    task, refusal = _open_task(state, str(event.payload["task_id"]))
    if task is None:
        return refusal
    if event.actor.name != task.owner:
        return Refusal(
            "task_owner",
            f"{event.actor.name} may not acknowledge task {task.task_id}: it is {task.owner}'s",
            f"who may: its owner ({task.owner})",
        )
    if task.acked_at is not None:
        return Refusal("already_acked", f"task {task.task_id} is already acknowledged", "nothing to do")
    return None


def _done(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    task, refusal = _open_task(state, str(event.payload["task_id"]))
    if task is None:
        return refusal
    if event.actor.name not in (task.owner, state.ic):
        return Refusal(
            "task_owner",
            f"{event.actor.name} may not close task {task.task_id}",
            f"who may: its owner ({task.owner}) or the IC ({state.ic or 'nobody'})",
        )
    return None


def _open_task(state: IncidentState, task_id: str) -> tuple[Task | None, Refusal | None]:
    task = state.tasks.get(task_id)
    if task is None:
        known = ", ".join(state.tasks) or "none"
        return None, Refusal("unknown_task", f"no task {task_id}", f"known tasks: {known}")
    if not task.open:
        return None, Refusal("task_closed", f"task {task_id} is {task.outcome}", "delegate a new task")
    return task, None


def _reduce_assigned(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    task = Task(
        str(p["task_id"]),
        str(p["text"]),
        str(p["owner"]),
        parse_utc(str(p["eta"])),
        event.at,
        event.actor.name,
    )
    return evolve(state, tasks={**state.tasks, task.task_id: task})


def _reduce_acked(state: IncidentState, event: Event) -> IncidentState:
    return _update(state, str(event.payload["task_id"]), acked_at=event.at)


def _reduce_done(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    return _update(
        state, str(p["task_id"]), done_at=event.at, outcome=str(p["outcome"]), note=str(p.get("note") or "")
    )


def _update(state: IncidentState, task_id: str, **fields: object) -> IncidentState:
    task = state.tasks.get(task_id)
    if task is None:
        return state
    return evolve(state, tasks={**state.tasks, task_id: replace(task, **fields)})  # type: ignore[arg-type]


def task_flags(state: IncidentState, policy: Policy, now: datetime) -> tuple[TaskFlag, ...]:
    """What the board, the drafts and the postmortem point out about delegated work at `now`."""
    if state.phase == "resolved" or state.opened_at is None:
        return ()
    timing = effective_policy(state, policy).delegation
    flags = [_unacked(task, now, timing.ack_within_s) for task in state.tasks.values() if task.open]
    flags += [_late(task, now) for task in state.tasks.values() if task.open]
    found = [flag for flag in flags if flag is not None]
    idle = _idle(state, now, timing.idle_after_s)
    return (*found, *((idle,) if idle else ()))


def _unacked(task: Task, now: datetime, limit_s: int) -> TaskFlag | None:
    waited = (now - task.assigned_at).total_seconds()
    if task.acked_at is not None or waited < limit_s:
        return None
    minutes = int(waited // 60)
    detail = f"task {task.task_id} ({task.text}) not acknowledged by {task.owner} for {minutes} min"
    return TaskFlag("unacknowledged", task.task_id, detail)


def _late(task: Task, now: datetime) -> TaskFlag | None:
    if now <= task.eta:
        return None
    minutes = int((now - task.eta).total_seconds() // 60)
    detail = (
        f"task {task.task_id} ({task.text}, {task.owner}) is {minutes} min past its ETA {task.eta:%H:%M} UTC"
    )
    return TaskFlag("eta_passed", task.task_id, detail)


def _idle(state: IncidentState, now: datetime, limit_s: int) -> TaskFlag | None:
    """Nobody doing anything: no acknowledged open task and no change in flight for the limit."""
    working = any(t.open and t.acked_at is not None for t in state.tasks.values())
    if working or state.change_in_flight is not None or state.phase != "open":
        return None
    moments = [state.opened_at, state.reopened_at]
    moments += [t.done_at for t in state.tasks.values()] + [c.result_at for c in state.changes.values()]
    since = max(m for m in moments if m is not None)
    if (now - since).total_seconds() < limit_s:
        return None
    minutes = int((now - since).total_seconds() // 60)
    return TaskFlag("nothing_in_progress", None, f"nothing in progress for {minutes} min: delegate something")


def _followup(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    key = str(event.payload["key"])
    if suggestion(state, key) is None:
        known = ", ".join(s.key for s in suggestions(state))
        return Refusal("unknown_followup", f"no suggested follow-up {key!r}", f"known: {known}")
    if key in state.followups:
        return Refusal("already_decided", f"follow-up {key} is {state.followups[key]}", "nothing to change")
    return None


def _reduce_followup(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    return evolve(state, followups={**state.followups, str(p["key"]): str(p["decision"])})


TASK_CHECKS: dict[EventType, Check] = {
    EventType.FOLLOWUP_DECIDED: _followup,
    EventType.TASK_ASSIGNED: _assigned,
    EventType.TASK_ACKED: _acked,
    EventType.TASK_DONE: _done,
}

TASK_REDUCERS: dict[EventType, Reducer] = {
    EventType.FOLLOWUP_DECIDED: _reduce_followup,
    EventType.TASK_ASSIGNED: _reduce_assigned,
    EventType.TASK_ACKED: _reduce_acked,
    EventType.TASK_DONE: _reduce_done,
}
