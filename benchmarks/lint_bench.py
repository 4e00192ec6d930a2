"""Benchmark `runbook lint` against a bare libyaml parse and check-jsonschema on a library-shaped corpus.

Usage: .venv/bin/python benchmarks/lint_bench.py [--files 1000] [--large 4000] [--rounds 5]
       [--cjs-rounds 2] [--instructions]

The corpus (corpus.py) is the bundled runbooks copied with fresh ids: `id#node` links between
runbooks and PromQL with `.*`, as real libraries have. Every side is a fresh process timed from
spawn to exit, in paired rounds of rotating order; ratios are medians of per-round ratios.
Targets (issue 16): lint -j 1 <= 1.5x the 1-core parse; lint with 2 workers <= 1.0x the 1-core
parse; check-jsonschema >= 20x slower than lint.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from corpus import REPO, write_library
from paired import BIN, METHOD, PYTHON, instructions, median_ms, ratio, rounds, wall

SCHEMA = REPO / "schemas" / "runbook.schema.json"
PARSE = (
    "import sys, yaml\nfrom pathlib import Path\n"
    "for p in sorted(Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)
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
}))
"""


def sides(folder: Path) -> dict[str, list[str]]:
    lint = [str(BIN / "runbook"), "lint"]
    return {
        "parse": [PYTHON, "-c", PARSE, str(folder)],
        "lint -j 1": [*lint, "--jobs", "1", str(folder)],
        "lint -j 2": [*lint, "--jobs", "2", str(folder)],
    }


def timed(commands: dict[str, list[str]], count: int) -> dict[str, list[float]]:
    return rounds({name: partial(wall, argv) for name, argv in commands.items()}, count)


def memory(folder: Path) -> dict[str, int]:
    done = subprocess.run([PYTHON, "-c", MEMORY_PROBE, str(folder)], capture_output=True, check=True)
    figures: dict[str, int] = json.loads(done.stdout)
    return figures


def report_size(files: int, times: dict[str, list[float]], count: int) -> None:
    print(f"{files} files; " + METHOD.format(rounds=count))
    print("  medians: " + ", ".join(f"{name} {median_ms(times, name):.0f} ms" for name in times))
    print(f"  lint -j 1 / parse: {ratio(times, 'lint -j 1', 'parse'):.2f}x  (target <= 1.5x, one core each)")
    two = ratio(times, "lint -j 2", "parse")
    print(f"  lint -j 2 / parse: {two:.2f}x  (target <= 1.0x, 2 workers vs 1 core)")


def run_size(folder: Path, files: int, count: int) -> dict[str, list[float]]:
    write_library(folder, files)
    times = timed(sides(folder), count)
    report_size(files, times, count)
    mib = 1024 * 1024
    probe = memory(folder)
    main_rss, worker_rss = probe["rss_main"] / mib, probe["rss_worker"] / mib
    print(f"  peak memory: RSS main {main_rss:.1f} MiB, worker {worker_rss:.1f} MiB, "
          f"traced heap {probe['traced_peak'] / mib:.1f} MiB")
    return times


def check_jsonschema(folder: Path, count: int) -> None:
    paths = [str(path) for path in sorted(folder.glob("*.yaml"))]
    commands = {
        "lint": [str(BIN / "runbook"), "lint", str(folder)],
        "check-jsonschema": [str(BIN / "check-jsonschema"), "--schemafile", str(SCHEMA), *paths],
    }
    times = timed(commands, count)
    print(f"check-jsonschema vs lint (default workers), {len(paths)} files; " + METHOD.format(rounds=count))
    print("  medians: " + ", ".join(f"{name} {median_ms(times, name):.0f} ms" for name in times))
    print(f"  check-jsonschema / lint: {ratio(times, 'check-jsonschema', 'lint'):.1f}x  (target >= 20x)")


def count_instructions(folder: Path) -> None:
    commands = sides(folder)
    counts = {name: instructions(argv) for name, argv in commands.items() if name != "lint -j 2"}
    print(f"instructions (callgrind, every process), {len(list(folder.glob('*.yaml')))} files: "
          + ", ".join(f"{name} {count / 1e6:.0f} M" for name, count in counts.items())
          + f"; lint -j 1 / parse {counts['lint -j 1'] / counts['parse']:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--large", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cjs-rounds", type=int, default=2)
    parser.add_argument("--instructions", action="store_true", help="callgrind counts on 64 files")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as tmp:
        small = Path(tmp) / "small"
        run_size(small, args.files, args.rounds)
        if args.cjs_rounds:
            check_jsonschema(small, args.cjs_rounds)
        if args.large:
            run_size(Path(tmp) / "large", args.large, max(1, args.rounds // 2))
        if args.instructions:
            tiny = Path(tmp) / "tiny"
            write_library(tiny, 64)
            count_instructions(tiny)
    return 0


if __name__ == "__main__":
    sys.exit(main())
