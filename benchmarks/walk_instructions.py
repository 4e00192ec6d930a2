"""Instruction counts of `runbook walk` against the floor app: the figures to compare on a busy machine.

Usage: .venv/bin/python benchmarks/walk_instructions.py [--sizes 2023,5113] [--cycles 40] [--editable]

callgrind counts every instruction a process runs; the count hardly moves with the machine's
load, so it compares two versions where wall times cannot. Both sides run on a wheel install
(as walk_bench.py), each under callgrind in a pseudo-terminal:
1. First screen: spawn until the emulated screen shows the first view, then `quit` (Ctrl-C for
   the floor app) so that the process exits and callgrind writes its count. Warm: the cache was
   filled by an uncounted run; cold: the cache folder is empty. Ratio = walk / floor.
2. Answer cycle: in one process (this script's --child mode), the walk's controller and screen
   on the largest tree, drawn by prompt-toolkit's own renderer into /dev/null: pick the answer,
   Enter on the evidence prompt (appended to a real SQLite store), `back`, each followed by one
   drawing. Per cycle = (count with 5 + N cycles - count with 5) / N.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from corpus import BUNDLED, write_big
from paired import PYTHON, _total
from render_bench import installed_python
from terminal import Terminal
from walk_bench import FLOOR_APP, open_incident, walk_argv

CALLGRIND = ["valgrind", "--tool=callgrind", "--trace-children=yes"]
TRIAGE = ("Which part of triage?", "What next?")


def counted(argv: list[str], env: dict[str, str], needles: tuple[str, ...], leave: str) -> int:
    """Instructions from spawning `argv` until its screen shows `needles`, then leaving by `leave`."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out.%p"
        terminal = Terminal([*CALLGRIND, f"--callgrind-out-file={out}", *argv], env, Path(tmp))
        try:
            terminal.wait(terminal.shows(*needles), timeout=900)
            terminal.send(leave)
            terminal.process.wait(300)
        finally:
            terminal.close()
        return sum(_total(path) for path in Path(tmp).glob("callgrind.out.*"))


def first_screens(work: Path, sizes: list[int], python: str) -> None:
    store = work / "walk.db"
    incident = open_incident(store)
    env = {**os.environ, "TERM": "xterm-256color", "RUNBOOK_CACHE_DIR": str(work / "cache")}
    small = BUNDLED / "redis-max-connections.yaml"
    cases: dict[str, tuple[list[str], tuple[str, ...]]] = {
        "25 nodes": (walk_argv(python, small, store, incident), ("What next?",))
    }
    cases["--demo"] = (walk_argv(python, small, work / "demo.db", None), ("What next?",))
    for nodes in sizes:
        cases[f"{nodes} nodes"] = (walk_argv(python, write_big(work, nodes), store, incident), TRIAGE)
    floor = counted([python, FLOOR_APP], env, ("FLOOR 0",), "\x03")
    print("first screen under callgrind; method: each side once in a pty, instructions from spawn until "
          "the emulated screen shows its first view and the program quits; ratio = walk / floor app")
    print(f"  floor: {floor / 1e6:.0f} M instructions")
    for number, (name, (argv, needles)) in enumerate(cases.items()):
        cold_env = {**env, "RUNBOOK_CACHE_DIR": str(work / f"cold-{number}")}
        cold = counted(argv, cold_env, needles, "quit\r")
        counted(argv, env, needles, "quit\r")  # fills the warm cache
        warm = counted(argv, env, needles, "quit\r")
        print(f"  {name:>12}: warm {warm / floor:.2f}x, cold {cold / floor:.2f}x", flush=True)


def answer_cycles(work: Path, nodes: int, cycles: int, python: str) -> None:
    runbook = write_big(work, nodes)
    env = {**os.environ, "RUNBOOK_CACHE_DIR": str(work / "cycles-cache")}

    def count(n: int) -> int:
        argv = [python, __file__, "--child", str(runbook), str(work / f"cycles-{n}.db"), str(n)]
        with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
            out = Path(tmp) / "callgrind.out.%p"
            subprocess.run([*CALLGRIND, f"--callgrind-out-file={out}", *argv], env=env, check=True,
                           capture_output=True, cwd=tmp)
            return sum(_total(path) for path in Path(tmp).glob("callgrind.out.*"))

    count(1)  # fills the cache with the runbook's data
    per_cycle = (count(5 + cycles) - count(5)) / cycles
    print(f"answer cycle at {nodes} nodes under callgrind, in process; method: pick, Enter on the evidence "
          f"prompt (one append), back, each drawn once; ({5 + cycles} cycles - 5 cycles) / {cycles}")
    print(f"  {per_cycle / 1e6:.1f} M instructions per cycle")


def child(runbook: str, store_path: str, cycles: int) -> None:
    """The walk's screen driven by its controller, drawn into /dev/null (run under callgrind)."""
    from prompt_toolkit.application.current import set_app
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from runbook_engine.format.validation_cache import load_validated
    from runbook_engine.policy import load_policy
    from runbook_engine.timeline.clock import SystemClock
    from runbook_engine.timeline.events import Actor
    from runbook_engine.timeline.service import IncidentService
    from runbook_engine.timeline.store import SqliteStore
    from runbook_engine.walk.controller import Controller
    from runbook_engine.walk.screen import WalkScreen
    from runbook_engine.walk.session import WalkSession
    from runbook_engine.walk.walker import Walker

    policy = load_policy()
    with SqliteStore(store_path, policy) as store, Path(os.devnull).open("w") as null:
        service = IncidentService(store, policy, SystemClock())
        actor = Actor.current("walker")
        incident = service.open("bench", "SEV-2", "bob", actor).incident_id
        walker = Walker(load_validated(runbook), actor, policy)
        session = WalkSession(service, incident, walker, service.clock)
        session.begin()
        controller = Controller(session)

        async def run() -> None:
            with create_pipe_input() as keys:
                output = Vt100_Output(null, lambda: Size(40, 120), term="xterm-256color")
                screen = WalkScreen(controller, input=keys, output=output)

                def move_and_draw(move: str) -> None:
                    controller.pick(move) if move == "8" else controller.submit(move)
                    screen.after_action()
                    with set_app(screen.app):  # as Application._redraw draws
                        screen.app.render_counter += 1
                        screen.app.renderer.render(screen.app, screen.app.layout)
                        screen.app.after_render.fire()

                for _ in range(cycles):
                    for move in ("8", "", "back"):
                        move_and_draw(move)

        asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2023,5113")
    parser.add_argument("--cycles", type=int, default=40)
    parser.add_argument("--editable", action="store_true", help="count this venv's editable install")
    parser.add_argument("--child", nargs=3, metavar=("RUNBOOK", "STORE", "CYCLES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="walk-instructions-") as tmp:
        python = PYTHON if args.editable else installed_python(Path(tmp) / "install")
        print(f"runbook-engine from {'this venv (editable)' if args.editable else 'a wheel install'}")
        first_screens(Path(tmp), sizes, python)
        answer_cycles(Path(tmp), max(sizes), args.cycles, python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
