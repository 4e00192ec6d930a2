"""Timeline store benchmark: append cost with the cached fold against refolding every append.

Run: `.venv/bin/python benchmarks/timeline_append.py [EVENTS]`. Prints per-append times and the
ratio against a baseline measured in the same run (a store that refolds from scratch each time),
plus the cost of a full fold, a chain verification and payload validation.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, EventType, NewEvent
from runbook_engine.timeline.payloads import validate_payload
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import fold
from runbook_engine.timeline.store import SqliteStore

ACTOR = Actor("bench", "bench", "bench-host")


def _timed(action: Callable[[], object], repeat: int) -> float:
    """Seconds per call of `action`, over `repeat` calls."""
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - start) / repeat


def _filled(path: Path, events: int) -> tuple[IncidentService, str]:
    policy = load_policy()
    service = IncidentService(SqliteStore(path, policy), policy, FakeClock())
    incident = service.open("bench", "SEV-2", "bench", ACTOR).incident_id
    for number in range(events - 1):
        service.note(incident, f"note {number}", ACTOR)
    return service, incident


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    events = int(args[0]) if args else 4000
    with tempfile.TemporaryDirectory() as tmp:
        service, incident = _filled(Path(tmp) / "bench.db", events)
        store = service.store
        assert isinstance(store, SqliteStore)
        cached = _timed(lambda: service.note(incident, "cached", ACTOR), 200)
        history = store.events(incident)
        refold = _timed(lambda: fold(history, service.policy), 5)
        note = NewEvent(EventType.NOTE, ACTOR, {"text": "validate me"})
        validate = _timed(lambda: validate_payload(note), 2000)
        verify = _timed(lambda: store.verify(incident), 3)
        store.close()
    baseline = cached + refold
    print(f"events in the incident:        {events}")
    print(f"append, cached fold:           {cached * 1e3:8.3f} ms")
    print(f"append, refold every time:     {baseline * 1e3:8.3f} ms (baseline)")
    print(f"ratio baseline / cached:       {baseline / cached:8.1f}x")
    print(f"full fold of the timeline:     {refold * 1e3:8.3f} ms")
    print(f"payload validation:            {validate * 1e6:8.1f} us ({validate / cached:.1%} of an append)")
    print(f"verify the whole chain:        {verify * 1e3:8.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
