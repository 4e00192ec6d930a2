"""Paired, alternating timing rounds for the benchmarks: ratios against a baseline measured in the same run.

On a shared machine absolute seconds drift with the neighbours' load. Every round therefore runs
each side once, in an order that rotates from round to round, and a ratio is the median of the
per-round ratios: slow drift cancels within a round, and the median drops rounds a burst spoiled.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
"""Users' installs keep compiled bytecode; a shell that disables it would time the compiler."""
BIN = Path(sys.executable).parent
PYTHON = sys.executable

METHOD = (
    "method: {rounds} paired rounds, sides in rotating order, each a fresh process timed from spawn "
    "to exit; figure = median of per-round ratios"
)


def wall(argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None) -> float:
    """Seconds from spawning `argv` to its exit; a failing command stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(list(argv), capture_output=True, env=env, cwd=cwd, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        tail = (done.stdout[-1500:] + done.stderr[-1500:]).decode(errors="replace")
        raise SystemExit(f"{' '.join(argv[:4])}... exited {done.returncode}:\n{tail}")
    return elapsed


def rounds(sides: Mapping[str, Callable[[], float]], count: int) -> dict[str, list[float]]:
    """`count` rounds; in round r the sides run starting from the r-th (rotating order)."""
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for number in range(count):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(sides[name]())
    return times


def ratio(times: Mapping[str, list[float]], side: str, base: str) -> float:
    """Median over rounds of side / base."""
    return statistics.median(a / b for a, b in zip(times[side], times[base], strict=True))


def median_ms(times: Mapping[str, list[float]], side: str) -> float:
    return statistics.median(times[side]) * 1000


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def instructions(argv: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Instructions executed by `argv` and its children under callgrind (the same whatever the load)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind")
    with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
        out = Path(tmp) / "callgrind.out.%p"
        command = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}"]
        subprocess.run([*command, *argv], capture_output=True, env=env, check=True)
        return sum(_total(path) for path in Path(tmp).glob("callgrind.out.*"))


def _total(path: Path) -> int:
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    return 0


def env_with(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}
