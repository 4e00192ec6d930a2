"""One human line per event, e.g. `[14:07 UTC] @alice Hypothesis: Redis is at max connections`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from runbook_engine.format.command_line import copyable
from runbook_engine.format.durations import format_duration
from runbook_engine.terminal_text import visible_line
from runbook_engine.timeline.events import MAIN_COMMAND_PART, Event, EventType, parse_utc

ROLE_NAMES = {
    "ic": "IC",
    "comms": "Comms",
    "ops": "Ops",
    "scribe": "Scribe",
    "tech_lead": "Tech lead",
    "primary": "Primary",
    "owner": "Owner",
}
_SPACE = re.compile(r"\s+")

Describe = Callable[[Mapping[str, Any]], str]


def human_line(event: Event) -> str:
    """The event as one line of the timeline: time, actor, what happened (never multi-line,
    never a raw control character: names and notes are typed by people)."""
    return visible_line(f"[{clock_time(event.at)}] @{event.actor.name} {describe(event.type, event.payload)}")


def describe(event_type: EventType, payload: Mapping[str, Any]) -> str:
    """What happened, without time or actor."""
    return _one_line(_DESCRIBE[event_type](payload))


def clock_time(at: datetime) -> str:
    utc = at if at.tzinfo is timezone.utc else at.astimezone(timezone.utc)
    return f"{utc.hour:02d}:{utc.minute:02d} UTC"


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)


def _one_line(text: str) -> str:
    if text.isprintable() and "  " not in text:  # printable excludes every other whitespace
        return text.strip()
    return _SPACE.sub(" ", text).strip()


def _opened(p: Mapping[str, Any]) -> str:
    where = f" on {p['service']}" if p.get("service") else ""
    ic = f"IC @{p['ic']}" if p.get("ic") else "no IC yet"
    return f"Opened {p['severity']}{where}: {p['title']} ({ic})"


def _assigned(p: Mapping[str, Any]) -> str:
    return f"@{p['person']} is now {role_name(str(p['role']))}"


def _handover(p: Mapping[str, Any]) -> str:
    role = role_name(str(p["role"]))
    return f"Handed over {role} from @{p['from']} to @{p['to']}: {p['reason']}"


def _severity(p: Mapping[str, Any]) -> str:
    return f"Severity {p['from']} -> {p['to']}: {p['reason']}"


def _entered(p: Mapping[str, Any]) -> str:
    return f"Entered {p['runbook']}#{p['node']}{_for_walker(p)}"


def _answered(p: Mapping[str, Any]) -> str:
    evidence = f" (evidence: {p['evidence']})" if p.get("evidence") else ""
    where = f"{p['runbook']}#{p['node']}"
    if p.get("skipped"):
        return f"Skipped {where}, not tried: {p['skipped']}{_for_walker(p)}"
    if p.get("gathered"):
        return f"Gathered at {where}: {p['answer']}{evidence}{_for_walker(p)}"
    if p.get("effect") == "coordination":
        return f"Task done at {where} (owner @{p.get('owner')}): {p['answer']}{evidence}{_for_walker(p)}"
    if p.get("effect") == "observation":
        seen = f"{p['answer']}{evidence}{_for_walker(p)}"
        return f"Observed at {where} (automation acted, no change made): {seen}"
    early = f" (early: the wait had {format_duration(p['early_by_s'])} left)" if p.get("early_by_s") else ""
    return f"Answered {where}: {p['answer']}{evidence}{early}{_for_walker(p)}"


def _for_walker(p: Mapping[str, Any]) -> str:
    return f" [walker @{p['walker']}]" if p.get("walker") else ""


def _proposed(p: Mapping[str, Any]) -> str:
    badge = "IRREVERSIBLE" if p.get("irreversible") else ("RISKY" if p.get("risky") else "SAFE")
    parts = [f"Proposed change {p['change_id']} [{badge}]: {p['action']}"]
    if p.get("hypothesis"):
        parts.append(f"tests: {p['hypothesis']}")
    if p.get("rollback"):
        parts.append(f"rollback: {p['rollback']}")
    if p.get("strategy"):
        parts.append(f"strategy: {p['strategy']}")
    if p.get("repeat"):
        parts.append(f"repeat {p['repeat']} under this one approval")
    if p.get("approvers"):
        approvers = p["approvers"]
        who = ", else ".join(role_name(str(role)) for role in approvers.get("any_of", ()))
        count = int(approvers.get("count", 1))
        parts.append(f"approver: {who}" if count == 1 else f"approvers: {count} of {who}")
    parts.append(f"owner @{p['owner']}")
    return "; ".join(parts)


def _granted(p: Mapping[str, Any]) -> str:
    reason = f": {p['reason']}" if p.get("reason") else ""
    return f"Approved change {p['change_id']} (decided by @{p['by']}){reason}"


def _result(p: Mapping[str, Any]) -> str:
    result = str(p["result"]).replace("_", " ")
    return f"Result of change {p['change_id']}: {result} - {p['observation']}"


def command_part(payload: Mapping[str, Any]) -> str:
    """The part of its node a `command_run` ran (`stage 2`, `rollback`); empty for the main step."""
    part = str(payload.get("part") or MAIN_COMMAND_PART)
    return "" if part == MAIN_COMMAND_PART else part


def _command(p: Mapping[str, Any]) -> str:
    line = copyable(p["argv"])
    what = f" {command_part(p)}" if command_part(p) else ""
    of = f" for change {p['change_id']}" if p.get("change_id") else ""
    if p.get("dry_run"):
        return f"Dry run{what}{of}: {line}"
    return f"Ran{what}{of}: {line} -> exit {p.get('exit_code')}"


def _status(p: Mapping[str, Any]) -> str:
    promised = p.get("next_update_at")
    nxt = f"; next update {clock_time(parse_utc(str(promised)))}" if promised else ""
    impact = f": {p['impact']}" if p.get("impact") else ""
    what = _STATUS_KINDS.get(str(p["kind"]), f"{p['kind']} status update")
    return f"Posted {what}{impact}{nxt}{_queued(p)}"


def _queued(p: Mapping[str, Any]) -> str:
    channels = p.get("post_to") or ()
    return f"; queued for {', '.join(str(c) for c in channels)}" if channels else ""


def _post_ref(p: Mapping[str, Any]) -> str:
    return f"message #{str(p['post_id']).partition(':')[0]} to {p['channel']}"


def _delivered(p: Mapping[str, Any]) -> str:
    tries = "1 request" if p["attempts"] == 1 else f"{p['attempts']} requests"
    return f"Delivered {_post_ref(p)} (HTTP {p['status']}, {tries})"


def _failed(p: Mapping[str, Any]) -> str:
    again = f"; next try after {clock_time(parse_utc(str(p['retry_at'])))}" if p.get("retry_at") else ""
    return f"Could not post {_post_ref(p)}: {p['reason']} ({p['attempts']} requests); still queued{again}"


def _reminder(p: Mapping[str, Any]) -> str:
    return f"Reminder: status update overdue since {clock_time(parse_utc(str(p['due_at'])))}{_queued(p)}"


_STATUS_KINDS = {
    "initial": "the initial status update",
    "update": "a status update",
    "resolution": "the resolution update",
}


def _action_item(p: Mapping[str, Any]) -> str:
    return f"Action item ({p['bucket']}, @{p['owner']}, due {p['due']}): {p['text']}"


def _resolved(p: Mapping[str, Any]) -> str:
    override = f" (IC override: {p['override_reason']})" if p.get("override_reason") else ""
    return f"Resolved: {p['summary']}{override}"


def _task(p: Mapping[str, Any]) -> str:
    return f"Task {p['task_id']} for @{p['owner']} (ETA {clock_time(parse_utc(str(p['eta'])))}): {p['text']}"


def _task_done(p: Mapping[str, Any]) -> str:
    note = f": {p['note']}" if p.get("note") else ""
    return f"Task {p['task_id']} {p['outcome']}{note}"


_DESCRIBE: dict[EventType, Describe] = {
    EventType.INCIDENT_OPENED: _opened,
    EventType.ROLE_ASSIGNED: _assigned,
    EventType.ROLE_HANDED_OVER: _handover,
    EventType.SEVERITY_CHANGED: _severity,
    EventType.NOTE: lambda p: f"Note: {p['text']}",
    EventType.HYPOTHESIS_STATED: lambda p: f"Hypothesis: {p['text']} ({p['id']})",
    EventType.HYPOTHESIS_DROPPED: lambda p: f"Dropped hypothesis {p['id']}: {p['reason']}",
    EventType.NODE_ENTERED: _entered,
    EventType.NODE_ANSWERED: _answered,
    EventType.CHANGE_PROPOSED: _proposed,
    EventType.APPROVAL_REQUESTED: lambda p: (
        f"Requested approval of change {p['change_id']} from the {role_name(str(p['approver_role']))}"
    ),
    EventType.APPROVAL_GRANTED: _granted,
    EventType.APPROVAL_DENIED: lambda p: (
        f"Denied change {p['change_id']} (decided by @{p['by']}): {p['reason']}"
    ),
    EventType.CHANGE_STARTED: lambda p: f"Started change {p['change_id']}",
    EventType.CHANGE_RESULT: _result,
    EventType.COMMAND_RUN: _command,
    EventType.STATUS_UPDATE: _status,
    EventType.ACTION_ITEM: _action_item,
    EventType.MITIGATED: lambda p: f"Mitigated: {p['summary']}",
    EventType.MONITORING_STARTED: lambda p: f"Monitoring for {format_duration(p['window_s'])}",
    EventType.RESOLVED: _resolved,
    EventType.REOPENED: lambda p: f"Reopened: {p['reason']}",
    EventType.OVERRIDE: lambda p: f"Override of rule {p['rule']}: {p['reason']}",
    EventType.COMMAND_CLAIMED: lambda p: f"Claims command from an absent IC: {p['reason']}",
    EventType.COMMAND_CONFIRMED: lambda p: f"Confirmed @{p['claimant']} takes command",
    EventType.CHANGE_OWNER_CHANGED: lambda p: (
        f"Handed change {p['change_id']} from @{p['from']} to @{p['to']}: {p['reason']}"
    ),
    EventType.CHANGE_CLASSIFIED: lambda p: f"Classified change {p['change_id']} {p['risk']}: {p['reason']}",
    EventType.POLICY_CHANGED: lambda p: f"Policy replaced ({str(p['digest'])[:12]}): {p['reason']}",
    EventType.TASK_ASSIGNED: _task,
    EventType.TASK_ACKED: lambda p: f"Acknowledged task {p['task_id']}",
    EventType.TASK_DONE: _task_done,
    EventType.FOLLOWUP_DECIDED: lambda p: (
        f"Follow-up {p['key']} {p['decision']}" + (f": {p['reason']}" if p.get("reason") else "")
    ),
    EventType.POST_ATTEMPT: lambda p: f"Posting {_post_ref(p)}",
    EventType.POST_DELIVERED: _delivered,
    EventType.POST_FAILED: _failed,
    EventType.UPDATE_REMINDER: _reminder,
}
