"""Benchmark the incident CLI on a long timeline, on SQLite and PostgreSQL: appends, `timeline show`,
`incident status`, `postmortem`.

Usage: .venv/bin/python benchmarks/timeline_cli_bench.py [--events 10000] [--rounds 9]
           [--backends sqlite,postgresql] [--instructions]

Each store holds two incidents: one of 10 events and one of `--events` (notes, with a walk of
entered nodes every tenth event), built in SQLite and copied verbatim into PostgreSQL (a
throw-away cluster with default settings, or RUNBOOK_BENCH_PG). Each command is a fresh `runbook`
process timed from spawn to exit, in paired rounds of rotating order. Targets (issue 16):
`incident note` on the long incident <= 1.2x on the short one, on each store; show, status and
postmortem on the long one <= 0.5 s each. `--instructions` also counts each command's
instructions once under callgrind (the same whatever else the machine is doing).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from paired import BIN, METHOD, instructions, median_ms, ratio, rounds, wall
from pg import postgres

from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from runbook_engine.timeline.store_copy import copy_incidents

ACTOR = Actor("bench", "bench", "bench-host")
READERS = ("timeline show", "incident status", "postmortem")


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


@contextmanager
def stores(backends: list[str], built: Path) -> Iterator[Iterator[tuple[str, str]]]:
    """(backend, location) for each backend asked for, PostgreSQL holding a copy of `built`."""
    pg = postgres() if "postgresql" in backends else None
    url = pg.__enter__() if pg else ""
    try:
        if pg:
            with open_store(built) as source, open_store(url) as target:
                assert all(copied.ok for copied in copy_incidents(source, target))
        yield iter([(name, str(built) if name == "sqlite" else url) for name in backends])
    finally:
        if pg:
            pg.__exit__(None, None, None)


def commands(location: str, short: str, long: str, events: int, tmp: Path) -> dict[str, list[str]]:
    runbook, where = [str(BIN / "runbook")], ["--store", location]
    return {
        "note, 10 events": [*runbook, "incident", "note", short, "still at 4%", *where],
        f"note, {events} events": [*runbook, "incident", "note", long, "still at 4%", *where],
        "timeline show": [*runbook, "timeline", "show", long, *where],
        "incident status": [*runbook, "incident", "status", long, *where],
        "postmortem": [*runbook, "postmortem", long, *where, "-o", str(tmp / "pm.md")],
    }


def measure(backend: str, argvs: dict[str, list[str]], args: argparse.Namespace) -> None:
    for argv in argvs.values():
        wall(argv)  # first run of each: bytecode, the page cache, and a snapshot for a copied store
    times = rounds({name: partial(wall, argv) for name, argv in argvs.items()}, args.rounds)
    print(f"incident CLI on {backend}, {args.events} events; " + METHOD.format(rounds=args.rounds))
    print("  medians: " + ", ".join(f"{name} {median_ms(times, name):.0f} ms" for name in times))
    long_note = f"note, {args.events} events"
    grown = ratio(times, long_note, "note, 10 events")
    print(f"  {long_note} / note, 10 events: {grown:.2f}x  (target <= 1.2x)")
    for name in READERS:
        print(f"  {name}, {args.events} events: {median_ms(times, name) / 1000:.2f} s  (target <= 0.5 s)")
    if args.instructions:
        counts = {name: instructions(argv) for name, argv in argvs.items()}
        print("  instructions (callgrind, one run each): "
              + ", ".join(f"{name} {count / 1e6:.0f} M" for name, count in counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args(argv)
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if not backends or set(backends) - {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite and/or postgresql")
    with tempfile.TemporaryDirectory(prefix="timeline-cli-") as tmp:
        built = Path(tmp) / "incidents.db"
        short, long = build(built, args.events)
        with stores(backends, built) as located:
            for backend, location in located:
                measure(backend, commands(location, short, long, args.events, Path(tmp)), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
