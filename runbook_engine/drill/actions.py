"""What each drill step does: one small handler per action, turning the step into timeline events.

Walking steps go through the same `Walker` the screen uses; incident steps build the events the
CLI would. Every event is appended through the incident rules, so a refusal here is exactly the
refusal an on-call engineer would get. Handlers raise `StepProblem` when the drill itself does not
fit the runbook (an answer the node does not have, an approval with nothing pending).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from runbook_engine.comms import ActionLine, DraftInputs, build_draft, render_text
from runbook_engine.format.durations import parse_duration
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.state import Change

from .context import Context, StepProblem
from .model import Step
from .times import iso

Handler = Callable[[Context, Step], None]

_BUCKETS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "1w": timedelta(weeks=1)}


def do_answer(ctx: Context, step: Step) -> None:
    walker = ctx.walker(step)
    state = ctx.state()
    node = ctx.runbook.node(walker.position(state))
    _expect_node(step, node.id)
    if node.target(str(step.value)) is None:
        labels = ", ".join(edge.label for edge in node.edges) or "none (it ends the walk)"
        raise StepProblem("answer", f"{node.id} has no answer {step.value!r}; its answers: {labels}")
    try:
        events = walker.answer(state, str(step.value), str(step.options.get("evidence", "")), ctx.clock.now())
    except ValueError as exc:  # an action answered before its change is in flight
        raise StepProblem("answer", f"cannot answer {node.id} yet: {exc}") from None
    ctx.append(*events)


def do_gather(ctx: Context, step: Step) -> None:
    """Answer one check of the current gather node; `evidence` is what it showed."""
    walker = ctx.walker(step)
    state = ctx.state()
    _expect_node(step, walker.position(state))
    evidence = str(step.options.get("evidence") or f"{step.value} checked")
    try:
        events = walker.gather(state, str(step.value), evidence)
    except ValueError as exc:
        raise StepProblem("gather", str(exc)) from None
    ctx.append(*events)


def do_skip(ctx: Context, step: Step) -> None:
    """Skip the current rung without starting it; the value is the reason ("not tried: ...")."""
    walker = ctx.walker(step)
    state = ctx.state()
    _expect_node(step, walker.position(state))
    try:
        events = walker.skip(state, str(step.value))
    except ValueError as exc:
        raise StepProblem("skip", str(exc)) from None
    ctx.append(*events)


def do_propose(ctx: Context, step: Step) -> None:
    walker = ctx.walker(step)
    _action_node(ctx, step, walker.position(ctx.state()))
    hypothesis = step.options.get("hypothesis")
    if hypothesis:
        hid = f"H{len(ctx.state().hypotheses) + 1}"
        ctx.append(ctx.event(step, EventType.HYPOTHESIS_STATED, {"id": hid, "text": hypothesis}))
    ctx.append(*walker.propose(ctx.state()))


def do_start(ctx: Context, step: Step) -> None:
    if step.value is not True:
        ctx.append(ctx.event(step, EventType.CHANGE_STARTED, {"change_id": ctx.alias(str(step.value))}))
        return
    walker = ctx.walker(step)
    _action_node(ctx, step, walker.position(ctx.state()))
    ctx.append(*walker.start(ctx.state()))


def do_decide(ctx: Context, step: Step) -> None:
    """`approve` and `deny`: by the step's person, else whoever holds the policy's approver role."""
    change = _change_for(ctx, step.value)
    role = change.approver_role or ctx.approver_role()  # a step may name its own approver
    by = step.actor or ctx.state().roles.get(role) or ctx.ic()
    payload: dict[str, Any] = {"change_id": change.change_id, "by": by}
    if "reason" in step.options:
        payload["reason"] = step.options["reason"]
    kind = EventType.APPROVAL_GRANTED if step.action == "approve" else EventType.APPROVAL_DENIED
    ctx.append(ctx.event(step, kind, payload, default=by))


def do_command(ctx: Context, step: Step) -> None:
    walker = ctx.walker(step)
    state = ctx.state()
    node = ctx.runbook.node(walker.position(state))
    if node.step is None or not node.step.runs:
        raise StepProblem("command", f"{node.id} has no command step to pretend a result for")
    result: Mapping[str, Any] = step.value
    output = str(result.get("output", ""))
    ctx.append(walker.command_run(state, node.step.runs, int(result["exit_code"]), output, False))


def do_wait(ctx: Context, step: Step) -> None:
    ctx.clock.advance(parse_duration(str(step.value)))


def do_note(ctx: Context, step: Step) -> None:
    ctx.append(ctx.event(step, EventType.NOTE, {"text": step.value}))


def do_hypothesis(ctx: Context, step: Step) -> None:
    hid = f"H{len(ctx.state().hypotheses) + 1}"
    ctx.append(ctx.event(step, EventType.HYPOTHESIS_STATED, {"id": hid, "text": step.value}))


def do_drop_hypothesis(ctx: Context, step: Step) -> None:
    payload = {"id": step.value, "reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.HYPOTHESIS_DROPPED, payload))


def do_update(ctx: Context, step: Step) -> None:
    raw: Mapping[str, Any] = step.value
    now = ctx.clock.now()
    cadence = ctx.cadence_s()
    wait = parse_duration(raw["next"]) if "next" in raw else _default_wait(raw["kind"], cadence)
    next_at = now + timedelta(seconds=wait) if wait else None
    payload = {
        "kind": raw["kind"],
        "impact": raw["impact"],
        "hypothesis": raw.get("hypothesis", ""),
        "actions": [dict(item) for item in raw.get("actions", ())],
        "next_update_at": iso(next_at) if next_at else None,
        "text": _update_text(ctx, raw, now, next_at),
    }
    if "trend" in raw:
        payload["trend"] = raw["trend"]
    ctx.append(ctx.event(step, EventType.STATUS_UPDATE, payload, default=_comms(ctx)))


def do_change(ctx: Context, step: Step) -> None:
    """A change made outside the runbook; `announce: false` starts it without proposing it."""
    raw: Mapping[str, Any] = step.value
    announced = raw.get("announce") is not False
    change_id = ctx.new_alias(raw.get("id"), announced=announced)
    if not announced:
        ctx.append(ctx.event(step, EventType.CHANGE_STARTED, {"change_id": change_id}))
        return
    risky = bool(raw.get("risky", True))
    payload: dict[str, Any] = {
        "change_id": change_id,
        "action": raw["action"],
        "hypothesis": raw.get("hypothesis", ""),
        "rollback": raw.get("rollback"),
        "irreversible": bool(raw.get("irreversible", False)),
        "risky": risky,
        "owner": ctx.actor_name(step),
        "risk_source": "declared" if raw.get("risky") else "ad_hoc",
    }
    events = [ctx.event(step, EventType.CHANGE_PROPOSED, payload)]
    if risky:
        request = {"change_id": change_id, "approver_role": ctx.approver_role()}
        events.append(ctx.event(step, EventType.APPROVAL_REQUESTED, request))
    ctx.append(*events)


def do_result(ctx: Context, step: Step) -> None:
    raw: Mapping[str, Any] = step.value
    payload = {
        "change_id": ctx.alias(str(raw["change"])),
        "result": raw["result"],
        "observation": raw["observation"],
    }
    ctx.append(ctx.event(step, EventType.CHANGE_RESULT, payload))


def do_assign(ctx: Context, step: Step) -> None:
    raw: Mapping[str, Any] = step.value
    payload = {"role": raw["role"], "person": raw["person"]}
    ctx.append(ctx.event(step, EventType.ROLE_ASSIGNED, payload, default=ctx.drill.scenario.ic))


def do_handover(ctx: Context, step: Step) -> None:
    raw: Mapping[str, Any] = step.value
    holder = ctx.state().roles.get(str(raw["role"]))
    if holder is None:
        raise StepProblem("handover", f"nobody holds the {raw['role']} role: assign it instead")
    payload = {"role": raw["role"], "from": holder, "to": raw["to"], "reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.ROLE_HANDED_OVER, payload, default=holder))


def do_severity(ctx: Context, step: Step) -> None:
    payload = {"from": ctx.state().severity, "to": step.value, "reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.SEVERITY_CHANGED, payload, default=ctx.ic()))


def do_action_item(ctx: Context, step: Step) -> None:
    raw: Mapping[str, Any] = step.value
    due = (ctx.clock.now() + _BUCKETS[str(raw["bucket"])]).date().isoformat()
    payload = {"text": raw["text"], "owner": raw["owner"], "due": due, "bucket": raw["bucket"]}
    ctx.append(ctx.event(step, EventType.ACTION_ITEM, payload, default=ctx.ic()))


def do_mitigate(ctx: Context, step: Step) -> None:
    ctx.append(ctx.event(step, EventType.MITIGATED, {"summary": step.value}, default=ctx.ic()))


def do_monitor(ctx: Context, step: Step) -> None:
    payload = {"window_s": ctx.monitoring_window_s()}
    ctx.append(ctx.event(step, EventType.MONITORING_STARTED, payload, default=ctx.ic()))


def do_resolve(ctx: Context, step: Step) -> None:
    payload = {"summary": step.value}
    if "reason" in step.options:
        payload["override_reason"] = step.options["reason"]
    ctx.append(ctx.event(step, EventType.RESOLVED, payload, default=ctx.ic()))


def do_reopen(ctx: Context, step: Step) -> None:
    payload = {"reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.REOPENED, payload, default=ctx.ic()))


def do_override(ctx: Context, step: Step) -> None:
    """The IC sets a waiting rule (observation or monitoring window) aside once, with the reason."""
    payload = {"rule": step.value, "reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.OVERRIDE, payload, default=ctx.ic()))


def do_classify(ctx: Context, step: Step) -> None:
    """The IC classifies an ad-hoc change (by alias) safe, with the reason: no approval needed then."""
    payload = {"change_id": ctx.alias(str(step.value)), "risk": "safe", "reason": step.options["reason"]}
    ctx.append(ctx.event(step, EventType.CHANGE_CLASSIFIED, payload, default=ctx.ic()))


def do_check(ctx: Context, step: Step) -> None:
    """Nothing happens: the step only carries expectations."""


HANDLERS: dict[str, Handler] = {
    "answer": do_answer,
    "gather": do_gather,
    "skip": do_skip,
    "propose": do_propose,
    "start": do_start,
    "approve": do_decide,
    "deny": do_decide,
    "command": do_command,
    "wait": do_wait,
    "note": do_note,
    "hypothesis_stated": do_hypothesis,
    "drop_hypothesis": do_drop_hypothesis,
    "update": do_update,
    "change": do_change,
    "result": do_result,
    "assign": do_assign,
    "handover": do_handover,
    "severity": do_severity,
    "action_item": do_action_item,
    "mitigate": do_mitigate,
    "monitor": do_monitor,
    "resolve": do_resolve,
    "reopen": do_reopen,
    "override": do_override,
    "classify": do_classify,
    "check": do_check,
}


def _expect_node(step: Step, position: str) -> None:
    wanted = step.options.get("node")
    if wanted is not None and wanted != position:
        message = f"expected the walker at {wanted!r} before this step, it is at {position!r}"
        raise StepProblem("node", message)


def _action_node(ctx: Context, step: Step, position: str) -> None:
    _expect_node(step, position)
    node = ctx.runbook.node(position)
    if not node.is_change:
        message = f"{position} is a {node.kind} that changes nothing: nothing to {step.action}"
        raise StepProblem(step.action, message)


def _change_for(ctx: Context, ref: Any) -> Change:
    """The change a decision is about: the one pending, a node's latest, or an alias."""
    state = ctx.state()
    if ref is True:
        pending = state.pending_approvals
        if len(pending) != 1:
            names = ", ".join(c.change_id for c in pending) or "nothing"
            raise StepProblem("approve", f"exactly one change must await approval, found: {names}")
        return pending[-1]
    by_node = [c for c in state.changes.values() if c.node == ref and c.runbook == ctx.runbook.id]
    if by_node:
        return by_node[-1]
    change = state.changes.get(ctx.alias(str(ref)))
    if change is None:
        raise StepProblem("approve", f"no change proposed at node or with alias {ref!r}")
    return change


def _default_wait(kind: str, cadence: int | None) -> int | None:
    """A resolution promises no further update unless the step says when."""
    return None if kind == "resolution" else cadence


def _comms(ctx: Context) -> str:
    return ctx.state().roles.get("comms") or ctx.ic()


def _update_text(ctx: Context, raw: Mapping[str, Any], now: datetime, next_at: datetime | None) -> str:
    """The update as the CLI and the walk draft it: one template, the seeds' fields included."""
    actions = tuple(ActionLine(str(a["action"]), str(a["owner"])) for a in raw.get("actions", ()))
    inputs = DraftInputs(
        impact=str(raw["impact"]),
        hypothesis=str(raw.get("hypothesis") or ""),
        trend=str(raw.get("trend") or ""),
        next_update_at=next_at,
        actions=actions,
    )
    return render_text(build_draft(ctx.state(), ctx.policy, now, str(raw["kind"]), inputs))
