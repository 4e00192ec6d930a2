"""Turning the real incident (state, events, clock) into the Snapshot that expectations compare."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from runbook_engine.policy import Policy
from runbook_engine.timeline.board import time_to_ic_s
from runbook_engine.timeline.events import Event
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.state import IncidentState
from runbook_engine.walk.view import GateItem

from .flags import flags
from .snapshot import Refusal, Snapshot


def observe(
    state: IncidentState,
    events: Sequence[Event],
    now: datetime,
    policy: Policy,
    walk_key: tuple[str, str],
    refusals: tuple[Refusal, ...],
    gate: tuple[GateItem, ...] | None = None,
) -> Snapshot:
    """What the drill sees: `walk_key` is (walker, runbook id) of the walk that `node`/`path` follow."""
    walk = state.walks.get(walk_key)
    visits = walk.path if walk is not None else ()
    in_flight = state.change_in_flight
    return Snapshot(
        phase=state.phase,
        severity=state.severity,
        position=walk.position if walk is not None else None,
        path=tuple(visit.node for visit in visits),
        answers=tuple(visit.answer for visit in visits),
        roles=dict(state.roles),
        change_in_flight=in_flight.action if in_flight is not None else None,
        pending_approvals=tuple(change.action for change in state.pending_approvals),
        update_overdue_s=state.update_overdue_s(now),
        time_to_ic_s=time_to_ic_s(state),
        next_update_due=f"{due:%H:%M}" if (due := state.next_update_due_at) else None,
        status_updates=len(state.status_updates),
        action_items=len(state.action_items),
        timeline=tuple(human_line(event) for event in events),
        refusals=refusals,
        flags=flags(state, now, policy),
        gate_blocked=None if gate is None else tuple(item.label for item in gate if not item.ok),
    )


def walked(state: IncidentState, runbook: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Every node entered and every (node, answer) given in `runbook`, by any walker (for coverage)."""
    nodes: dict[str, None] = {}
    edges: dict[tuple[str, str], None] = {}
    for (_, walked_runbook), walk in state.walks.items():
        if walked_runbook != runbook:
            continue
        for visit in walk.path:
            nodes[visit.node] = None
            if visit.answer:
                edges[(visit.node, visit.answer)] = None
    return tuple(nodes), tuple(edges)
