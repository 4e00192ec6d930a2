"""Moving incidents between stores (SQLite <-> PostgreSQL) verbatim, each chain verified on both sides."""

from __future__ import annotations

from collections.abc import Iterable

from runbook_engine.frozen import frozen
from runbook_engine.timeline.store import Store


@frozen
class Copied:
    """What became of one incident: `copied`, `already there`, or `refused` and why."""

    incident_id: str
    outcome: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.outcome != "refused"


def copy_incidents(source: Store, target: Store, wanted: Iterable[str] = ()) -> list[Copied]:
    """Copy every incident (or those `wanted`) that the target does not hold yet."""
    held = {summary.incident_id for summary in target.incidents()}
    ids = list(wanted) or [summary.incident_id for summary in source.incidents()]
    return [copy_one(source, target, incident_id, incident_id in held) for incident_id in ids]


def copy_one(source: Store, target: Store, incident_id: str, held: bool) -> Copied:
    before = source.verify(incident_id)
    if not before.ok:
        return Copied(
            incident_id, "refused", f"its chain is broken at seq {before.first_bad_seq}: {before.reason}"
        )
    events = source.events(incident_id)
    head = events[-1].hash
    if held:
        there = target.events(incident_id)
        if [event.hash for event in there] == [event.hash for event in events]:
            return Copied(incident_id, "already there", f"{len(events)} events, head {head[:12]}")
        return Copied(incident_id, "refused", "the target holds a different incident under this id")
    target.adopt(events)
    after = target.verify(incident_id)
    if not after.ok or after.events_checked != len(events) or target.events(incident_id)[-1].hash != head:
        return Copied(incident_id, "refused", f"the copy does not verify: {after.reason}")
    return Copied(incident_id, "copied", f"{len(events)} events, head {head[:12]}, verified on both sides")
