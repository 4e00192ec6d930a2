"""Benchmark `runbook render -f svg` against bare `dot -Tsvg` on the same DOT text.

Usage: .venv/bin/python benchmarks/render_bench.py [--sizes 100,1000] [--seconds 90 | --repeat N]
       [--instructions]

Both sides run as fresh processes, so the ratio includes everything a user waits for: interpreter
start, imports, loading and checking the runbook, building the DOT, running dot, writing the file.
`--sizes` counts cause branches of the generated runbook (about 5 nodes each: 100 -> 513 nodes,
1000 -> 5,113 nodes). Targets: <= 1.3x at ~500 nodes and <= 1.05x at ~5,000 nodes.

Each round runs dot, `render -f svg` and `render -f dot` back to back, in an order that rotates
from round to round. Rounds repeat for `--seconds` per size (at least one; a 500-node round takes
about 1.5 s, a 5,000-node round about 10 minutes) or exactly `--repeat` times, and the figures are
medians over rounds:

- wall: the median of each round's ratio. Pairing the two sides within a round cancels the slow
  drift of a shared machine, and the median drops the rounds that a neighbour's burst spoiled.
- cpu: the same for user+system CPU seconds (dot's included, as a child of ours), which waiting
  for a busy core does not inflate.
- implied: (dot + our own cost without dot) / dot, where our own cost is `render -f dot`.
- `--instructions` adds a count from valgrind's callgrind (every process, dot included): the
  same number on every run whatever else the machine is doing, so a change in our cost shows even
  when seconds are too noisy to tell. Slow (about 25 s a side at 500 nodes), so sizes up to 200.

By default runbook-engine runs from a wheel installed into a throw-away venv (what `pip install`
gives a user); `--editable` times this development venv's editable install instead, whose import
finder adds ~10 ms to every start-up.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.render.big import big_runbook_yaml  # noqa: E402 - needs the repository on sys.path

TARGETS = {500: 1.3, 5000: 1.05}
"""Target ratio by node count; a size gets the target of the nearest count."""
MAX_INSTRUCTION_CAUSES = 200
"""Under callgrind dot runs ~40x slower: beyond this size a count would take many minutes."""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


@dataclass(frozen=True)
class Sides:
    """The three commands timed for one runbook size."""

    bare: list[str]
    ours: list[str]
    own: list[str]


def timed(argv: Sequence[str]) -> Run:
    """Wall and CPU seconds of one command, its own children's CPU included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu)


def instructions(argv: Sequence[str], folder: Path) -> int:
    """Instructions run by `argv` and every process it starts, counted by callgrind."""
    out = folder / "callgrind"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                    f"--callgrind-out-file={out}/%p", *argv], check=True, capture_output=True)
    total = 0
    for profile in out.iterdir():
        for line in profile.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("summary:"):
                total += int(line.split()[1])
    return total


def installed_python(folder: Path) -> str:
    """A Python with runbook-engine installed from a wheel, as a user's `pip install` gives it.

    The development venv's editable install adds an import finder that costs ~10 ms at every
    start-up; users never have it. The dependencies come from this venv through a `.pth` line.
    """
    wheels, venv = folder / "wheel", folder / "venv"
    _quietly([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(ROOT)])
    _quietly([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    (Path(site) / "_benchmark_deps.pth").write_text(ours + "\n", encoding="utf-8")
    wheel = next(wheels.glob("*.whl"))
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", site, str(wheel)]
    _quietly(install)
    return str(python)


def _quietly(argv: Sequence[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def prepare(causes: int, folder: Path, python: str) -> tuple[int, Sides]:
    """Write the generated runbook and its DOT; the node count and the commands to time."""
    runbook = folder / f"generated-{causes}.yaml"
    text = big_runbook_yaml(causes)
    runbook.write_text(text, encoding="utf-8")
    dot_file = folder / f"generated-{causes}.dot"
    render = [python, "-m", "runbook_engine", "render", str(runbook)]
    subprocess.run([*render, "-f", "dot", "-o", str(dot_file)], check=True)
    sides = Sides(
        bare=[shutil.which("dot") or "dot", "-Tsvg", str(dot_file), "-o", str(folder / "bare.svg")],
        ours=[*render, "-f", "svg", "-o", str(folder / "ours.svg")],
        own=[*render, "-f", "dot", "-o", str(folder / "again.dot")],
    )
    return len(json.loads(text)["nodes"]), sides


def rounds(sides: Sides, repeat: int | None, seconds: float) -> list[tuple[Run, Run, Run]]:
    """Rounds of (bare, ours, own), the order rotating so no side always goes first.

    `repeat` rounds when given; otherwise as many as fit in `seconds`, judged by the average round so far.
    """
    commands = [sides.bare, sides.ours, sides.own]
    results: list[tuple[Run, Run, Run]] = []
    started = time.perf_counter()
    for number in itertools.count():
        elapsed = time.perf_counter() - started
        last = elapsed / number if number else 0.0
        if repeat is not None and number >= repeat:
            break
        if repeat is None and number and elapsed + last > seconds:
            break
        order = [(number + offset) % 3 for offset in range(3)]
        runs: dict[int, Run] = {index: timed(commands[index]) for index in order}
        results.append((runs[0], runs[1], runs[2]))
    return results


def target_for(nodes: int) -> float:
    return TARGETS[min(TARGETS, key=lambda count: abs(count - nodes))]


def report(nodes: int, results: list[tuple[Run, Run, Run]]) -> tuple[str, bool]:
    """One table row, and whether the median wall ratio meets the target."""
    wall = statistics.median(ours.wall / bare.wall for bare, ours, _ in results)
    cpu = statistics.median(ours.cpu / bare.cpu for bare, ours, _ in results)
    implied = statistics.median((bare.wall + own.wall) / bare.wall for bare, _, own in results)
    bare_wall = statistics.median(bare.wall for bare, _, _ in results)
    ours_wall = statistics.median(ours.wall for _, ours, _ in results)
    own_wall = statistics.median(own.wall for _, _, own in results)
    target = target_for(nodes)
    met = wall <= target
    row = (f"{nodes:>6} {bare_wall:>9.3f}s {ours_wall:>9.3f}s {own_wall:>7.3f}s "
           f"{wall:>6.3f}x {cpu:>6.3f}x {implied:>7.3f}x {target:>6.2f}x {len(results):>7}  "
           f"{'ok' if met else 'MISSED'}")
    return row, met


def count_row(nodes: int, sides: Sides, folder: Path) -> str:
    bare = instructions(sides.bare, folder)
    ours = instructions(sides.ours, folder)
    return (f"{nodes:>6} instructions: dot {bare / 1e9:.3f} G, runbook render {ours / 1e9:.3f} G, "
            f"ratio {ours / bare:.3f}x")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="cause branches per runbook, comma-separated")
    parser.add_argument("--seconds", type=float, default=90.0,
                        help="time budget per size: rounds continue while the next fits (default 90)")
    parser.add_argument("--repeat", type=int, default=None, help="exactly this many rounds per size")
    parser.add_argument("--editable", action="store_true",
                        help="time this venv's editable install instead of a wheel install")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions with valgrind's callgrind (sizes <= 200)")
    args = parser.parse_args(argv)
    if shutil.which("dot") is None:
        print("render_bench: dot is not on PATH (apt-get install graphviz)", file=sys.stderr)
        return 2
    if args.instructions and shutil.which("valgrind") is None:
        print("render_bench: --instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    print(f"{'nodes':>6} {'dot -Tsvg':>10} {'render':>10} {'-f dot':>8} "
          f"{'wall':>7} {'cpu':>7} {'implied':>8} {'target':>7} {'rounds':>7}")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        python = sys.executable if args.editable else installed_python(folder)
        for causes in (int(size) for size in args.sizes.split(",")):
            nodes, sides = prepare(causes, folder, python)
            results = rounds(sides, args.repeat, args.seconds)
            if (folder / "bare.svg").read_bytes() != (folder / "ours.svg").read_bytes():
                raise SystemExit("the two SVGs differ: the benchmark is not comparing like with like")
            row, met = report(nodes, results)
            failed |= not met
            print(row, flush=True)
            if args.instructions and causes <= MAX_INSTRUCTION_CAUSES:
                print(count_row(nodes, sides, folder), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    # Some build machines set this; a user's Python caches bytecode, so the timed runs should too.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    raise SystemExit(main())
