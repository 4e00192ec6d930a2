"""An incident's state as a pure fold over its events: nothing but the events is ever stored.

The value types are in `values.py` and how each event type changes the state in `reducers.py`;
this module is the entry point the rest of the engine imports.
"""

from __future__ import annotations

from collections.abc import Iterable

from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Event
from runbook_engine.timeline.reducers import reduce_event
from runbook_engine.timeline.values import (
    CHANGE_STATUSES,
    PHASES,
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
    next_update_due,
    severity_rule,
)

__all__ = [
    "CHANGE_STATUSES",
    "PHASES",
    "ActionItem",
    "AuditFlag",
    "Change",
    "Hypothesis",
    "IncidentState",
    "Override",
    "RoleChange",
    "SeverityChange",
    "StatusUpdate",
    "Visit",
    "Walk",
    "apply",
    "fold",
    "next_update_due",
    "severity_rule",
]


def apply(state: IncidentState, event: Event, policy: Policy) -> IncidentState:
    """The state after `event`; cheap enough to run once per append."""
    return reduce_event(state, event, policy)


def fold(events: Iterable[Event], policy: Policy, start: IncidentState | None = None) -> IncidentState:
    """The state after every event in order (from an empty state unless `start` is given)."""
    state = start if start is not None else IncidentState()
    for event in events:
        state = apply(state, event, policy)
    return state
