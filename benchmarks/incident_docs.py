"""Status drafts and postmortem benchmark: their cost against reading and folding the same timeline.

Run: `.venv/bin/python benchmarks/incident_docs.py [EVENTS]`. Builds one incident with a mix of
notes, hypotheses, changes with results and status updates every ten minutes, then prints the
time to read and fold it (the baseline, measured in the same run) and, as ratios against it, the
time to draft a status update, draw the status board, export the timeline and draft the postmortem.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from runbook_engine.cli.incident import post_draft
from runbook_engine.cli.incident_status import board_lines
from runbook_engine.cli.timeline import export_markdown
from runbook_engine.comms import DraftInputs, build_draft
from runbook_engine.policy import load_policy
from runbook_engine.postmortem import render_postmortem
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import fold
from runbook_engine.timeline.store import SqliteStore

IC, OPS = Actor("ic", "ic", "host-a"), Actor("ops", "ops", "host-b")


def _timed(action: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - start) / repeat


def _round(service: IncidentService, clock: FakeClock, incident: str, n: int) -> None:
    """Ten events: notes, a hypothesis, a change with its result, a status update."""
    service.hypothesis(incident, f"cause {n}", IC)
    for k in range(4):
        service.note(incident, f"observation {n}.{k} with *markup* and <tags>", OPS)
    service.propose_change(incident, f"change {n}", "ops", OPS, hypothesis=f"H{n + 1}")
    service.start_change(incident, f"C{n + 1}", OPS)
    clock.advance(300)
    service.record_result(incident, f"C{n + 1}", "no_change", "same error rate", OPS)
    service.drop_hypothesis(incident, f"H{n + 1}", "no effect", IC)
    clock.advance(300)
    draft = build_draft(service.state(incident), service.policy, clock.now(), "update", DraftInputs())
    post_draft(service, incident, draft, IC)


def _filled(path: Path, events: int) -> tuple[IncidentService, FakeClock, str]:
    policy, clock = load_policy(), FakeClock()
    service = IncidentService(SqliteStore(path, policy), policy, clock)
    incident = service.open("bench", "SEV-2", "ic", IC).incident_id
    for n in range(max(1, events // 10)):
        _round(service, clock, incident, n)
    return service, clock, incident


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    events = int(args[0]) if args else 2000
    with tempfile.TemporaryDirectory() as tmp:
        service, clock, incident = _filled(Path(tmp) / "bench.db", events)
        history = service.events(incident)
        state, now, policy = service.state(incident), clock.now(), service.policy
        baseline = _timed(lambda: fold(service.events(incident), policy), 3)
        inputs = DraftInputs()
        timings = {
            "status update draft": _timed(lambda: build_draft(state, policy, now, "update", inputs), 50),
            "status board": _timed(lambda: board_lines(state, policy, now), 200),
            "timeline export (md)": _timed(lambda: export_markdown(incident, history), 3),
            "postmortem draft": _timed(lambda: render_postmortem(history, state, policy, now), 3),
        }
        service.store.close()
    print(f"events in the incident:        {len(history)}")
    print(f"baseline, read + fold:         {baseline * 1e3:9.3f} ms")
    for name, seconds in timings.items():
        print(f"{name + ':':<30} {seconds * 1e3:9.3f} ms  ({seconds / baseline:6.3f}x baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
