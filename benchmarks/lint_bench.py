"""Benchmark `runbook lint` against a bare libyaml parse and check-jsonschema on the same corpus.

Usage: .venv/bin/python benchmarks/lint_bench.py [--files 1000] [--large 4000] [--nodes 40] [--repeat 3]

Prints, from one run: wall times (best of `--repeat`), the ratios the targets are stated in, the
growth from `--files` to `--large` files, and peak memory of a lint run in a fresh process.
Targets: lint <= 1.5x the bare parse, >= 15x faster than check-jsonschema, linear growth, and
peak memory for the large corpus <= 1.5x that of the small one.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "schemas" / "runbook.schema.json"

MEMORY_PROBE = """
import json, resource, sys, tracemalloc
from pathlib import Path
from runbook_engine.lint.engine import lint_paths
paths = sorted(Path(sys.argv[1]).glob("*.yaml"))
tracemalloc.start()
result = lint_paths(paths)
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({
    "traced_peak": peak,
    "rss_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "rss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    "findings": len(result.findings),
}))
"""


def cpu_seconds() -> float:
    """CPU time of this process and every finished child (lint's worker processes included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best_of(repeat: int, run: Callable[[], None]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the fastest of `repeat` runs: the least disturbed one."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        run()
        runs.append((time.perf_counter() - wall, cpu_seconds() - cpu))
    return min(runs)


def bare_parse(paths: list[Path]) -> None:
    for path in paths:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def run_lint(folder: Path, *options: str) -> None:
    command = [str(BIN / "runbook"), "lint", *options, str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"lint failed on the corpus:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def run_check_jsonschema(paths: list[Path]) -> None:
    command = [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"check-jsonschema failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def memory(folder: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(folder)], capture_output=True, text=True, check=True
    )
    figures: dict[str, int] = json.loads(done.stdout)
    return figures


def measure(folder: Path, files: int, nodes: int, repeat: int, baseline: bool) -> dict[str, float]:
    paths = write_corpus(folder, files, nodes)
    size = sum(path.stat().st_size for path in paths) / len(paths)
    figures: dict[str, float] = {"files": files, "avg_kb": size / 1024}
    runs: dict[str, Callable[[], None]] = {
        "parse": lambda: bare_parse(paths),
        "lint": lambda: run_lint(folder),
    }
    if baseline:
        runs["lint_1"] = lambda: run_lint(folder, "--jobs", "1")
        runs["check_jsonschema"] = lambda: run_check_jsonschema(paths)
    for name, run in runs.items():
        figures[name], figures[f"{name}_cpu"] = best_of(repeat, run)
    figures.update({key: float(value) for key, value in memory(folder).items()})
    return figures


def report(small: dict[str, float], large: dict[str, float]) -> None:
    mib = 1024 * 1024
    for row in (small, large):
        line = (
            f"{int(row['files']):>5} files ({row['avg_kb']:.1f} KB avg), wall (CPU): "
            f"bare parse {row['parse']:.2f} s ({row['parse_cpu']:.2f}), "
            f"runbook lint {row['lint']:.2f} s ({row['lint_cpu']:.2f})"
        )
        if "check_jsonschema" in row:
            line += f", lint -j 1 {row['lint_1']:.2f} s ({row['lint_1_cpu']:.2f})"
            line += f", check-jsonschema {row['check_jsonschema']:.2f} s ({row['check_jsonschema_cpu']:.2f})"
        print(line)
        print(
            f"      peak memory: traced {row['traced_peak'] / mib:.1f} MiB, "
            f"RSS main {row['rss_main'] / mib:.1f} MiB, worker {row['rss_worker'] / mib:.1f} MiB"
        )
    n, big = int(small["files"]), int(large["files"])
    print()
    print(f"lint / bare parse, {n} files: {small['lint'] / small['parse']:.2f}x wall   (target <= 1.5x)")
    print(f"lint -j 1 / bare parse, {n} files: {small['lint_1'] / small['parse']:.2f}x wall (one core)")
    print(f"lint / bare parse, {big} files: {large['lint'] / large['parse']:.2f}x wall")
    speedup = small["check_jsonschema"] / small["lint"]
    print(f"check-jsonschema / lint, {n} files: {speedup:.1f}x   (target >= 15x)")
    growth = large["lint"] / small["lint"]
    print(f"lint time {n} -> {big} files: x{growth:.2f} ({growth / (big / n):.2f} of linear)")
    print(
        f"peak memory {big} / {n} files: "
        f"RSS {large['rss_main'] / small['rss_main']:.2f}x   (target <= 1.5x), "
        f"traced Python heap {large['traced_peak'] / small['traced_peak']:.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--large", type=int, default=4000)
    parser.add_argument("--nodes", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as tmp:
        small = measure(Path(tmp) / "small", args.files, args.nodes, args.repeat, baseline=True)
        large = measure(Path(tmp) / "large", args.large, args.nodes, args.repeat, baseline=False)
    report(small, large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
