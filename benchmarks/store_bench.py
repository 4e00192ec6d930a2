"""The team store against SQLite, measured in one run: append latency, commit-to-screen, 8 writers.

Prints:
1. append latency p50 and p95 (one process appending notes through the rules), PostgreSQL on
   loopback against SQLite (WAL, synchronous=FULL), and their ratio;
2. the time from one process's commit to the line on another process's screen
   (`runbook timeline tail --follow`), p50 and p95 on both stores (target on PostgreSQL: p95
   at most 200 ms; SQLite is looked at every 0.5 s);
3. appends per second with 8 writer processes on one incident, on both stores.

PostgreSQL is a throw-away cluster (scripts/pg_cluster) with the server's default settings (fsync
on), unless RUNBOOK_BENCH_PG names a database URL to use instead.

Run: .venv/bin/python benchmarks/store_bench.py [--appends 400] [--screens 60] [--writer-appends 250]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pg import postgres  # noqa: E402

from runbook_engine.policy import load_policy  # noqa: E402
from runbook_engine.timeline.clock import SystemClock  # noqa: E402
from runbook_engine.timeline.events import Actor  # noqa: E402
from runbook_engine.timeline.locate import open_store  # noqa: E402
from runbook_engine.timeline.service import IncidentService  # noqa: E402

WRITERS = 8
ACTOR = Actor("bench", "bench", "localhost")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def open_incident(location: str) -> str:
    with open_store(location, create=True) as store:
        return (
            IncidentService(store, store.policy, SystemClock())
            .open("bench", "SEV-3", "bench", ACTOR)
            .incident_id
        )


def append_latencies(location: str, count: int) -> list[float]:
    incident = open_incident(location)
    with open_store(location) as store:
        service = IncidentService(store, store.policy, SystemClock())
        timings = []
        for number in range(count):
            started = time.perf_counter()
            service.note(incident, f"note {number}", ACTOR)
            timings.append(time.perf_counter() - started)
    return timings


def screen_latencies(location: str, count: int) -> list[float]:
    """Seconds from an append's commit (its return) to the line read from `tail --follow`."""
    incident = open_incident(location)
    command = [
        sys.executable,
        "-m",
        "runbook_engine",
        "timeline",
        "tail",
        incident,
        "-f",
        "-n",
        "0",
        "--store",
        location,
        "--stop-after",
        str(count),
    ]
    tail = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert tail.stdout is not None
    time.sleep(2.0)  # the follower's start-up (imports, connection, LISTEN) is not what we measure
    timings = []
    with open_store(location) as store:
        service = IncidentService(store, store.policy, SystemClock())
        for number in range(count):
            service.note(incident, f"screen {number}", ACTOR)
            committed = time.perf_counter()
            _read_line_with(tail.stdout.fileno(), f"screen {number}".encode())
            timings.append(time.perf_counter() - committed)
            time.sleep(0.02 + (number * 0.137) % 0.5)  # spread over SQLite's half-second look
    tail.wait(timeout=30)
    return timings


_pending = b""


def _read_line_with(fd: int, marker: bytes) -> None:
    global _pending
    deadline = time.monotonic() + 10
    while marker not in _pending:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise RuntimeError(f"{marker!r} never reached the follower's screen")
        _pending += os.read(fd, 65536)
    _pending = _pending.split(marker, 1)[1]


def _writer(location: str, incident: str, count: int, go: multiprocessing.synchronize.Event) -> None:
    with open_store(location) as store:
        service = IncidentService(store, load_policy(), SystemClock())
        go.wait()
        for number in range(count):
            service.note(incident, f"w{os.getpid()} {number}", ACTOR)


def appends_per_second(location: str, per_writer: int) -> float:
    incident = open_incident(location)
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    procs = [
        context.Process(target=_writer, args=(location, incident, per_writer, go)) for _ in range(WRITERS)
    ]
    for proc in procs:
        proc.start()
    time.sleep(3.0)  # every writer has imported and connected
    started = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    with open_store(location) as store:
        assert store.verify(incident).ok and store.state(incident).events_count == WRITERS * per_writer + 1
    return WRITERS * per_writer / elapsed


@dataclass(frozen=True)
class Figures:
    append_s: list[float]
    screen_s: list[float]
    rate: float


def measure(location: Callable[[str], str], args: argparse.Namespace) -> Figures:
    return Figures(
        append_latencies(location("append"), args.appends),
        screen_latencies(location("screen"), args.screens),
        appends_per_second(location("writers"), args.writer_appends),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--appends", type=int, default=400)
    parser.add_argument("--screens", type=int, default=60)
    parser.add_argument("--writer-appends", type=int, default=250)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres() as url:
        sqlite = measure(lambda name: str(Path(tmp) / f"{name}.db"), args)
        pg = measure(lambda name: url, args)
    report(sqlite, pg, args)
    return 0


def _ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 0.5) * 1000:7.2f} ms   p95 {percentile(values, 0.95) * 1000:7.2f} ms"


def report(sqlite: Figures, pg: Figures, args: argparse.Namespace) -> None:
    print(f"append latency ({args.appends} appends, one process):")
    print(f"  SQLite      {_ms(sqlite.append_s)}")
    print(f"  PostgreSQL  {_ms(pg.append_s)}")
    ratio = percentile(pg.append_s, 0.5) / percentile(sqlite.append_s, 0.5)
    print(f"  PostgreSQL / SQLite at p50: {ratio:.2f}x")
    print(f"commit to another process's screen (tail --follow, {args.screens} events):")
    print(f"  SQLite      {_ms(sqlite.screen_s)}")
    print(f"  PostgreSQL  {_ms(pg.screen_s)}")
    pg95 = percentile(pg.screen_s, 0.95) * 1000
    print(f"  PostgreSQL p95 target <= 200 ms: {'met' if pg95 <= 200 else 'NOT met'} ({pg95:.1f} ms)")
    print(f"appends per second, {WRITERS} writer processes x {args.writer_appends} appends on one incident:")
    print(f"  SQLite      {sqlite.rate:8.0f} /s")
    print(f"  PostgreSQL  {pg.rate:8.0f} /s   ({pg.rate / sqlite.rate:.2f}x)")


if __name__ == "__main__":
    raise SystemExit(main())
