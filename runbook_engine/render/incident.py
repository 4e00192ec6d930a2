"""Reading the path an incident took through one runbook from its timeline events.

Works on anything shaped like a timeline event (`type`, `at`, `payload`), so this module needs the
timeline package only to open a store, and only when `--incident` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from runbook_engine.errors import InputError
from runbook_engine.render.overlay import PathStep


class TimelineEvent(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def payload(self) -> Mapping[str, Any]: ...


@dataclass
class _Walk:
    """Visits in order, plus which change (by id) was proposed at which node."""

    steps: list[PathStep] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)

    def last_visit(self, node: str) -> int | None:
        return next((i for i in range(len(self.steps) - 1, -1, -1) if self.steps[i].node == node), None)

    def entered(self, node: str, at: datetime) -> None:
        self.steps.append(PathStep(node, at))

    def answered(self, node: str, answer: str, at: datetime) -> None:
        index = self.last_visit(node)
        if index is None or self.steps[index].answer is not None:
            self.steps.append(PathStep(node, None, answer, at))
        else:
            self.steps[index] = replace(self.steps[index], answer=answer, answered_at=at)

    def approved(self, change_id: str, by: str) -> None:
        index = self.last_visit(self.changes.get(change_id, ""))
        if index is not None:
            step = self.steps[index]
            self.steps[index] = replace(step, approvers=(*step.approvers, by))


def _value(event: TimelineEvent) -> str:
    """The event type as plain text, whether it is an enum member or a string."""
    kind = event.type
    return str(getattr(kind, "value", kind))


def steps_from_events(events: Iterable[TimelineEvent], runbook_id: str) -> list[PathStep]:
    """Ordered visits of `runbook_id`'s nodes, with answers and the approvals of their changes."""
    walk = _Walk()
    for event in events:
        kind, payload = _value(event), event.payload
        same_runbook = str(payload.get("runbook") or "") == runbook_id
        node = str(payload.get("node") or "")
        if kind == "node_entered" and same_runbook:
            walk.entered(node, event.at)
        elif kind == "node_answered" and same_runbook:
            walk.answered(node, str(payload.get("answer") or ""), event.at)
        elif kind == "change_proposed" and same_runbook and node:
            walk.changes[str(payload.get("change_id"))] = node
        elif kind == "approval_granted":
            walk.approved(str(payload.get("change_id")), str(payload.get("by") or "?"))
    return walk.steps


def walked_runbooks(events: Iterable[TimelineEvent]) -> list[str]:
    """Every runbook an incident's walks entered, in order of first visit."""
    found = (str(e.payload.get("runbook")) for e in events if _value(e) == "node_entered")
    return list(dict.fromkeys(found))


def incident_events(store_path: str | Path, incident_id: str) -> list[TimelineEvent]:
    """All events of one incident from the store; a clear InputError when there are none."""
    from runbook_engine.timeline import locate

    if not locate.exists(store_path) or Path(store_path).is_dir():
        raise InputError(
            f"no incident store at {store_path}", "pass --store PATH or set RUNBOOK_STORE"
        )
    with locate.open_store(store_path) as store:
        events: list[TimelineEvent] = list(store.events(incident_id))
    if not events:
        raise InputError(
            f"incident {incident_id} is not in {store_path}",
            "`runbook incident list` shows the incidents in this store",
        )
    return events


def incident_steps(store_path: str | Path, incident_id: str, runbook_id: str) -> list[PathStep]:
    """The visits of one runbook during one incident; an error if the incident never walked it."""
    events = incident_events(store_path, incident_id)
    steps = steps_from_events(events, runbook_id)
    if not steps:
        walked = ", ".join(walked_runbooks(events)) or "none"
        raise InputError(
            f"incident {incident_id} never walked runbook {runbook_id}",
            f"runbooks walked in this incident: {walked}",
        )
    return steps
