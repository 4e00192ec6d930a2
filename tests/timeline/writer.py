"""Child processes for the multi-process tests (run with `python -m tests.timeline.writer ...`).

STORE is a SQLite file or a postgresql:// URL.
`notes STORE INCIDENT NAME COUNT GO` appends COUNT notes (forever when negative) once the file GO
exists, printing each seq after its append returned: the parent knows what was acknowledged.
`start STORE NAME CHANGE GO INCIDENT...` tries, per incident, to start CHANGE once GO.<n> exists,
printing `ok SEQ` or `refused RULE`.
`open STORE NAME COUNT GO` opens COUNT incidents once GO exists, printing each new id.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.events import Actor, EventType, NewEvent
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.refusal import Refusal, RuleRefused
from runbook_engine.timeline.rules import check
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import IncidentState


def notes(path: str, incident: str, name: str, count: int, go: str) -> None:
    policy, clock, actor = load_policy(), SystemClock(), Actor.current(name)
    with open_store(path, policy, create=True) as store:
        _wait(Path(go))
        for index in _counter(count):
            new = NewEvent(EventType.NOTE, actor, {"text": f"{name} {index}"})
            now = clock.now()
            event = store.append(incident, new, now, partial(_check, now=now, policy=policy))
            _say(str(event.seq))
            if not path.startswith("postgresql://"):
                time.sleep(0.0005)  # SQLite's busy handler is not fair: let a waiting writer in


def start(path: str, name: str, change_id: str, go: str, incidents: Sequence[str]) -> None:
    policy = load_policy()
    with open_store(path, policy, create=True) as store:
        service = IncidentService(store, policy, SystemClock())
        for number, incident in enumerate(incidents):
            _wait(Path(f"{go}.{number}"))
            try:
                event = service.start_change(incident, change_id, Actor.current(name))
            except RuleRefused as refused:
                _say(f"refused {refused.refusal.rule}")
            else:
                _say(f"ok {event.seq}")


def open_incidents(path: str, name: str, count: int, go: str) -> None:
    policy = load_policy()
    with open_store(path, policy, create=True) as store:
        service = IncidentService(store, policy, SystemClock())
        _wait(Path(go))
        for number in range(count):
            _say(service.open(f"{name} {number}", "SEV-3", name, Actor.current(name)).incident_id)


def _check(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    return check(state, event, now, policy)


def _counter(count: int) -> Iterator[int]:
    index = 0
    while count < 0 or index < count:
        yield index
        index += 1


WAIT_LIMIT_S = 120.0
"""A child whose parent died before saying GO gives up instead of spinning forever."""


def _wait(go: Path) -> None:
    """Say this process is ready (GO.ready.PID), then wait for the parent's GO."""
    (go.parent / f"{go.name}.ready.{os.getpid()}").touch()
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit(f"no {go} after {WAIT_LIMIT_S:.0f} s: giving up")
        time.sleep(0.002)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str]) -> int:
    if argv[0] == "notes":
        notes(argv[1], argv[2], argv[3], int(argv[4]), argv[5])
    elif argv[0] == "open":
        open_incidents(argv[1], argv[2], int(argv[3]), argv[4])
    else:
        start(argv[1], argv[2], argv[3], argv[4], argv[5:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
