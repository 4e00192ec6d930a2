"""Benchmark the incident CLI on a long timeline: appends, `timeline show`, `incident status`, `postmortem`.

Usage: .venv/bin/python benchmarks/timeline_cli_bench.py [--events 10000] [--rounds 9]

One SQLite store holds two incidents: one of 10 events and one of `--events` (notes, with a walk
of entered and answered nodes every tenth event). Each command is a fresh `runbook` process timed
from spawn to exit, in paired rounds of rotating order. Targets (issue 16): `incident note` on the
long incident <= 1.2x on the short one; show, status and postmortem on the long one <= 0.5 s each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from functools import partial
from pathlib import Path

from paired import BIN, METHOD, median_ms, ratio, rounds, wall

from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore

ACTOR = Actor("bench", "bench", "bench-host")


def fill(service: IncidentService, events: int) -> str:
    incident = service.open("bench", "SEV-2", "bench", ACTOR).incident_id
    for number in range(1, events):
        if number % 10 == 0:
            service.enter_node(incident, "checkout", f"node-{number}", ACTOR)
        else:
            service.note(incident, f"note {number}: the error rate is still at 4%", ACTOR)
    return incident


def build(path: Path, events: int) -> tuple[str, str]:
    policy = load_policy()
    store = SqliteStore(path, policy)
    store._db.execute("PRAGMA synchronous = OFF")  # setup only: the timed commands open their own
    service = IncidentService(store, policy, FakeClock())
    short, long = fill(service, 10), fill(service, events)
    store.close()
    return short, long


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="timeline-cli-") as tmp:
        store = Path(tmp) / "incidents.db"
        short, long = build(store, args.events)
        runbook = [str(BIN / "runbook")]
        where = ["--store", str(store)]
        commands = {
            "note, 10 events": [*runbook, "incident", "note", short, "still at 4%", *where],
            f"note, {args.events} events": [*runbook, "incident", "note", long, "still at 4%", *where],
            "timeline show": [*runbook, "timeline", "show", long, *where],
            "incident status": [*runbook, "incident", "status", long, *where],
            "postmortem": [*runbook, "postmortem", long, *where, "-o", str(Path(tmp) / "pm.md")],
        }
        for argv_ in commands.values():
            wall(argv_)  # first run of each: bytecode and the store's page cache
        times = rounds({name: partial(wall, argv_) for name, argv_ in commands.items()}, args.rounds)
    print(f"incident CLI, {args.events} events; " + METHOD.format(rounds=args.rounds))
    print("  medians: " + ", ".join(f"{name} {median_ms(times, name):.0f} ms" for name in times))
    long_note = f"note, {args.events} events"
    grown = ratio(times, long_note, "note, 10 events")
    print(f"  {long_note} / note, 10 events: {grown:.2f}x  (target <= 1.2x)")
    for name in ("timeline show", "incident status", "postmortem"):
        print(f"  {name}, {args.events} events: {median_ms(times, name) / 1000:.2f} s  (target <= 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
