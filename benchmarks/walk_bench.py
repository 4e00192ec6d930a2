"""How fast `runbook walk` feels, through a terminal, against a floor prompt-toolkit app.

Usage: .venv/bin/python benchmarks/walk_bench.py [--rounds 7] [--answers 60] [--sizes 513,2023,5113]
       [--editable]

1. First screen: every side is a fresh process in a pseudo-terminal (terminal.py, a pyte screen),
   timed from spawn until its screen shows its first view: the floor app (floor_app.py: import
   prompt-toolkit, draw one window) against `runbook walk` on the bundled redis runbook (25 nodes),
   on `--demo`, and on triage trees of 513, 2,023 and 5,113 nodes, with a warm cache (the
   validation and policy cache filled by an earlier run) and a cold one (emptied before each run).
   Paired rounds in rotating order; each figure is the median of the per-round ratios to the floor.
   A reference side composes the largest file with bare libyaml (CSafeLoader) in a fresh process:
   the least any cold walk of it can cost, whatever it checks.
2. Answer -> next screen, at the largest size: the walk and the floor app run side by side in two
   terminals; samples alternate between them. A walk sample is Enter on an answer (after its
   number key and the evidence prompt) until the screen shows the next node; a floor sample is
   Enter until the screen shows the new count. p95 and median of each, and their ratio.
Both sides run on a Python with runbook-engine installed from a wheel, as `pip install` gives it
(render_bench.installed_python); `--editable` times this venv's editable install instead, whose
import finder costs every start-up ~10 ms that users never pay.
Targets (issue 16): first screen <= 1.5x the floor warm and <= 2x cold, every size and --demo;
answer -> next screen p95 at 5,113 nodes <= 1.3x the floor's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from corpus import BUNDLED, write_big
from paired import PYTHON, p95, ratio, rounds, wall
from render_bench import installed_python
from terminal import Terminal, first_screen

from runbook_engine.policy import load_policy
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore

FLOOR_APP = str(Path(__file__).with_name("floor_app.py"))
BARE_PARSE = (
    "import sys, yaml; yaml.compose(open(sys.argv[1], encoding='utf-8').read(), Loader=yaml.CSafeLoader)"
)
SMALL = BUNDLED / "redis-max-connections.yaml"


def open_incident(store: Path) -> str:
    policy = load_policy()
    with SqliteStore(store, policy) as opened:
        return IncidentService(opened, policy).open("bench", "SEV-2", "bob", Actor.current("bob")).incident_id


def walk_argv(python: str, runbook: Path, store: Path, incident: str | None) -> list[str]:
    """The walk through `python -m`: run it in a folder without a runbook_engine of its own (the
    work folder), or `-m` imports the checkout instead of the installed package."""
    argv = [python, "-m", "runbook_engine", "walk", str(runbook), "--store", str(store)]
    return [*argv, "--incident", incident] if incident else [*argv, "--demo"]


def first_screens(work: Path, sizes: list[int], count: int, python: str) -> None:
    store = work / "walk.db"
    incident = open_incident(store)
    warm_env = {**os.environ, "TERM": "xterm-256color", "RUNBOOK_CACHE_DIR": str(work / "cache")}
    cold_dir = work / "cold-cache"
    cold_env = {**warm_env, "RUNBOOK_CACHE_DIR": str(cold_dir)}
    cases: dict[str, tuple[list[str], tuple[str, ...]]] = {
        "25 nodes": (walk_argv(python, SMALL, store, incident), ("What next?",))
    }
    cases["--demo"] = (walk_argv(python, SMALL, work / "demo.db", None), ("What next?",))
    path = SMALL
    for nodes in sizes:
        path = write_big(work, nodes)
        needles: tuple[str, ...] = ("Which part of triage?", "What next?")
        cases[f"{nodes} nodes"] = (walk_argv(python, path, store, incident), needles)
    for argv, needles in cases.values():
        first_screen(argv, warm_env, *needles, cwd=work)  # fills the warm cache and writes bytecode

    def cold(argv: list[str], needles: tuple[str, ...]) -> float:
        shutil.rmtree(cold_dir, ignore_errors=True)
        return first_screen(argv, cold_env, *needles, cwd=work)

    floor = [python, FLOOR_APP]
    sides: dict[str, Callable[[], float]] = {
        "floor": lambda: first_screen(floor, warm_env, "FLOOR 0", cwd=work)
    }
    for name, (argv, needles) in cases.items():
        sides[f"{name}, warm"] = partial(first_screen, argv, warm_env, *needles, cwd=work)
        sides[f"{name}, cold"] = partial(cold, argv, needles)
    sides["bare parse"] = partial(wall, [python, "-c", BARE_PARSE, str(path)])
    times = rounds(sides, count)
    print(f"first screen through a pty; method: {count} paired rounds, sides in rotating order, each a fresh "
          "process timed from spawn until its emulated screen shows its first view; ratio = median of "
          "per-round ratios to the floor app (import prompt-toolkit + one full-screen render)")
    print(f"  floor: median {statistics.median(times['floor']) * 1000:.0f} ms")
    for name in cases:
        warm, cold_ratio = ratio(times, f"{name}, warm", "floor"), ratio(times, f"{name}, cold", "floor")
        warm_ms = statistics.median(times[f"{name}, warm"]) * 1000
        cold_ms = statistics.median(times[f"{name}, cold"]) * 1000
        print(f"  {name:>12}: warm {warm:.2f}x ({warm_ms:.0f} ms, target <= 1.5x), "
              f"cold {cold_ratio:.2f}x ({cold_ms:.0f} ms, target <= 2x)")
    print(f"  reference: a bare libyaml compose of {path.name} (fresh process, spawn to exit, no screen): "
          f"{ratio(times, 'bare parse', 'floor'):.2f}x the floor, the least a cold walk of it can cost")


def answers(work: Path, nodes: int, count: int, python: str) -> None:
    store = work / "answers.db"
    incident = open_incident(store)
    env = {**os.environ, "TERM": "xterm-256color", "RUNBOOK_CACHE_DIR": str(work / "cache")}
    walk = Terminal(walk_argv(python, write_big(work, nodes), store, incident), env, work)
    floor = Terminal([python, FLOOR_APP], env, work)
    try:
        walk.wait(walk.shows("Which part of triage?", "What next?"))
        floor.wait(floor.shows("FLOOR 0"))
        walked, floored = [], []
        for number in range(1, count + 1):
            walked.append(_answer(walk))
            sent = floor.send("\r")
            floored.append(floor.wait(floor.shows(f"FLOOR {number}")) - sent)
    finally:
        walk.close()
        floor.close()
    walked, floored = walked[count // 5:], floored[count // 5:]  # the first fifth warms up
    print(f"answer -> next screen at {nodes} nodes through a pty; method: walk and floor app side by side, "
          f"{len(walked)} alternating samples each after {count // 5} warm-up, Enter until the emulated "
          "screen shows the next view")
    print(f"  walk: median {statistics.median(walked) * 1000:.1f} ms, p95 {p95(walked) * 1000:.1f} ms; "
          f"floor: median {statistics.median(floored) * 1000:.1f} ms, p95 {p95(floored) * 1000:.1f} ms")
    print(f"  p95 walk / floor: {p95(walked) / p95(floored):.2f}x  (target <= 1.3x); "
          f"median {statistics.median(walked) / statistics.median(floored):.2f}x")


def _answer(walk: Terminal) -> float:
    """Answer area-7 at the triage (timed from Enter to the next node), then go back (untimed)."""
    walk.send("8")
    walk.wait(walk.shows("Evidence"))
    sent = walk.send("\r")
    seconds = walk.wait(walk.shows("CHECK  Which part of triage-7?")) - sent
    walk.send("back\r")
    walk.wait(walk.shows("CHECK  Which part of triage?"))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--answers", type=int, default=60)
    parser.add_argument("--sizes", default="513,2023,5113")
    parser.add_argument("--editable", action="store_true",
                        help="time this venv's editable install instead of a wheel install")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="walk-bench-") as tmp:
        python = PYTHON if args.editable else installed_python(Path(tmp) / "install")
        print(f"runbook-engine from {'this venv (editable)' if args.editable else 'a wheel install'}")
        if args.rounds:
            first_screens(Path(tmp), sizes, args.rounds, python)
        if args.answers:
            answers(Path(tmp), max(sizes), args.answers, python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
