"""Expectations: one small check per name, each saying in words what differs, or None if it holds.

`CHECKS` is the explicit registry; the drill schema's `expect` properties list the same names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from runbook_engine.format.durations import format_duration, parse_duration

from .snapshot import Snapshot

Check = Callable[[Snapshot, Any], "str | None"]


def check_node(snap: Snapshot, wanted: str) -> str | None:
    if snap.position == wanted:
        return None
    return f"expected the walker at {wanted!r}, but it is at {snap.position!r}"


def check_path(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    if tuple(wanted) == snap.path:
        return None
    common = _common_prefix(tuple(wanted), snap.path)
    if common < len(wanted) and common < len(snap.path):
        return (
            f"expected path {_arrow(wanted)}, but visit {common + 1} is {snap.path[common]!r}"
            f" instead of {wanted[common]!r}"
        )
    return f"expected path {_arrow(wanted)}, but the walk went {_arrow(snap.path)}"


def check_visited(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    missing = [node for node in wanted if node not in snap.path]
    return f"expected a visit to {_names(missing)}, never entered" if missing else None


def check_not_visited(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    entered = [node for node in wanted if node in snap.path]
    return f"expected no visit to {_names(entered)}, but the walk entered it" if entered else None


def check_answers(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    taken = [f"{node}={label}" for node, label in snap.taken()]
    missing = _first_not_in_order(wanted, taken, lambda want, got: want == got)
    if missing is None:
        return None
    return f"expected answer {missing!r} (in this order), answers given: {', '.join(taken) or 'none'}"


def check_phase(snap: Snapshot, wanted: str) -> str | None:
    return None if snap.phase == wanted else f"expected phase {wanted!r}, but it is {snap.phase!r}"


def check_severity(snap: Snapshot, wanted: str) -> str | None:
    if snap.severity == wanted:
        return None
    return f"expected severity {wanted}, but it is {snap.severity}"


def check_roles(snap: Snapshot, wanted: Mapping[str, str]) -> str | None:
    wrong = [
        f"{role} is {snap.roles.get(role, 'nobody')!r}, not {person!r}"
        for role, person in wanted.items()
        if snap.roles.get(role) != person
    ]
    return "expected roles differ: " + "; ".join(wrong) if wrong else None


def check_change_in_flight(snap: Snapshot, wanted: bool) -> str | None:
    if (snap.change_in_flight is not None) == wanted:
        return None
    if wanted:
        return "expected a change in flight, but none is"
    return f"expected no change in flight, but {snap.change_in_flight!r} is"


def check_pending_approvals(snap: Snapshot, wanted: int) -> str | None:
    if len(snap.pending_approvals) == wanted:
        return None
    pending = _names(list(snap.pending_approvals)) if snap.pending_approvals else "none"
    return f"expected {wanted} pending approval(s), found {len(snap.pending_approvals)} ({pending})"


def check_update_overdue(snap: Snapshot, wanted: bool) -> str | None:
    overdue = snap.update_overdue_s is not None
    if overdue == wanted:
        return None
    if wanted:
        return "expected the status update to be overdue, but it is not due yet"
    late = format_duration(snap.update_overdue_s or 0)
    return f"expected no overdue status update, but it is {late} late"


def check_next_update(snap: Snapshot, wanted: str | None) -> str | None:
    if snap.next_update_due == wanted:
        return None
    due = f"at {snap.next_update_due} UTC" if snap.next_update_due else "not owed"
    return f"expected the next status update due {_when(wanted)}, but it is {due}"


def _when(wanted: str | None) -> str:
    return f"at {wanted} UTC" if wanted else "never (none owed)"


def check_status_updates(snap: Snapshot, wanted: int) -> str | None:
    if snap.status_updates == wanted:
        return None
    return f"expected {wanted} status update(s), found {snap.status_updates}"


def check_action_items(snap: Snapshot, wanted: int) -> str | None:
    if snap.action_items == wanted:
        return None
    return f"expected {wanted} action item(s), found {snap.action_items}"


def check_refusals(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    got = snap.refusals
    if len(got) == len(wanted) and all(r.matches(w) for r, w in zip(got, wanted, strict=False)):
        return None
    seen = ", ".join(f"{r.rule} at step {r.step}" for r in got) or "none"
    return f"expected refusals {_names(list(wanted)) or 'none'}, got {seen}"


def check_timeline(snap: Snapshot, wanted: Sequence[Any]) -> str | None:
    missing = _first_not_in_order(wanted, list(snap.timeline), _line_matches)
    if missing is None:
        return None
    return f"expected a timeline line {_pattern(missing)} (after the ones before it); none matches"


def check_not_in_timeline(snap: Snapshot, wanted: Sequence[Any]) -> str | None:
    for pattern in wanted:
        hit = next((line for line in snap.timeline if _line_matches(pattern, line)), None)
        if hit is not None:
            return f"expected no timeline line {_pattern(pattern)}, found {hit!r}"
    return None


def check_flags(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    """Exactly these flags (in any order): `flags: []` says nothing may be flagged."""
    if set(wanted) == set(snap.flags):
        return None
    expected = _names(list(wanted)) or "nothing"
    return f"expected flagged: {expected}; flagged: {_names(list(snap.flags)) or 'nothing'}"


def check_gate_blocked(snap: Snapshot, wanted: Sequence[str]) -> str | None:
    """Exactly these gate conditions are unmet (`[]`: the gate is open)."""
    if snap.gate_blocked is None:
        return f"expected the walker at a risky action's gate, but it is at {snap.position!r}"
    if set(wanted) == set(snap.gate_blocked):
        return None
    blocked = _names(list(snap.gate_blocked)) or "nothing (the gate is open)"
    return f"expected the gate blocked by {_names(list(wanted)) or 'nothing'}; blocked by {blocked}"


def check_time_to_ic(snap: Snapshot, wanted: str | None) -> str | None:
    """Time from the start of impact to command, as a duration (`9m`), or null for none yet."""
    want = None if wanted is None else parse_duration(str(wanted))
    if snap.time_to_ic_s == want:
        return None
    got = "nobody took command" if snap.time_to_ic_s is None else format_duration(int(snap.time_to_ic_s))
    return f"expected time to IC {wanted}, but {got}"


CHECKS: dict[str, Check] = {
    "node": check_node,
    "path": check_path,
    "visited": check_visited,
    "not_visited": check_not_visited,
    "answers": check_answers,
    "phase": check_phase,
    "severity": check_severity,
    "roles": check_roles,
    "change_in_flight": check_change_in_flight,
    "pending_approvals": check_pending_approvals,
    "update_overdue": check_update_overdue,
    "time_to_ic": check_time_to_ic,
    "next_update": check_next_update,
    "status_updates": check_status_updates,
    "action_items": check_action_items,
    "refusals": check_refusals,
    "timeline": check_timeline,
    "not_in_timeline": check_not_in_timeline,
    "flags": check_flags,
    "gate_blocked": check_gate_blocked,
}


def evaluate(name: str, snap: Snapshot, wanted: Any) -> str | None:
    """Run the check called `name`; the schema guarantees the name is known."""
    return CHECKS[name](snap, wanted)


def _line_matches(pattern: Any, line: str) -> bool:
    if isinstance(pattern, Mapping):
        return re.search(str(pattern["regex"]), line) is not None
    return str(pattern) in line


def _pattern(pattern: Any) -> str:
    return f"matching /{pattern['regex']}/" if isinstance(pattern, Mapping) else f"containing {pattern!r}"


def _first_not_in_order(
    wanted: Sequence[Any], got: Sequence[str], same: Callable[[Any, str], bool]
) -> Any | None:
    """The first wanted item not found after the match of the one before it, or None."""
    cursor = 0
    for item in wanted:
        found = next((i for i in range(cursor, len(got)) if same(item, got[i])), None)
        if found is None:
            return item
        cursor = found + 1
    return None


def _common_prefix(left: Sequence[str], right: Sequence[str]) -> int:
    count = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        count += 1
    return count


def _arrow(nodes: Sequence[str]) -> str:
    return " -> ".join(nodes) or "(nothing)"


def _names(items: list[str]) -> str:
    return ", ".join(repr(item) for item in items)
