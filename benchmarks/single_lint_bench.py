"""Benchmark the pre-commit case: `runbook lint` of one file, in a small folder and in a big library.

Usage: .venv/bin/python benchmarks/single_lint_bench.py [--large 4000] [--rounds 11] [--instructions]

The same file (a copy of checkout-errors-after-deploy, which links to two runbooks beside it, one
of them as `id#node`) is linted in a folder of 8 runbooks and in one of `--large`, against
`python -c "import yaml"`. Each side is a fresh process timed from spawn to exit, in paired
rounds of rotating order, with a private cache folder (XDG_CACHE_HOME) warmed by one untimed run;
a cold-cache lint (index removed before each run) is timed as well.
Targets (issue 16): single-file lint <= 2x `import yaml`; in the big folder <= 1.2x the small one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from corpus import write_library
from paired import BIN, METHOD, PYTHON, env_with, instructions, median_ms, ratio, rounds, wall

FILE = "checkout-errors-after-deploy-c0.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="single-lint-") as tmp:
        root = Path(tmp)
        write_library(root / "small", 8)
        write_library(root / "large", args.large)
        cache, cold_cache = root / "cache", root / "cold-cache"
        env, cold_env = env_with(XDG_CACHE_HOME=str(cache)), env_with(XDG_CACHE_HOME=str(cold_cache))
        lint = [str(BIN / "runbook"), "lint"]
        commands = {
            "import yaml": ([PYTHON, "-c", "import yaml"], env),
            "lint, 8": ([*lint, str(root / "small" / FILE)], env),
            f"lint, {args.large}": ([*lint, str(root / "large" / FILE)], env),
        }
        for argv_, env_ in commands.values():
            wall(argv_, env_)  # warms the index cache

        def cold() -> float:
            shutil.rmtree(cold_cache, ignore_errors=True)
            return wall(commands[f"lint, {args.large}"][0], cold_env)

        sides: dict[str, Callable[[], float]] = {
            name: partial(wall, *command) for name, command in commands.items()
        }
        sides[f"lint, {args.large}, cold cache"] = cold
        times = rounds(sides, args.rounds)
        print("single-file lint; " + METHOD.format(rounds=args.rounds))
        print("  medians: " + ", ".join(f"{name} {median_ms(times, name):.0f} ms" for name in times))
        print(f"  lint, 8 / import yaml: {ratio(times, 'lint, 8', 'import yaml'):.2f}x  (target <= 2x)")
        big = f"lint, {args.large}"
        print(f"  {big} / lint, 8: {ratio(times, big, 'lint, 8'):.2f}x  (target <= 1.2x)")
        print(f"  {big}, cold cache / lint, 8: {ratio(times, big + ', cold cache', 'lint, 8'):.2f}x")
        if args.instructions:
            counts = {name: instructions(*command) for name, command in commands.items()}
            base = counts["import yaml"]
            print("  instructions (callgrind): " + ", ".join(
                f"{name} {count / 1e6:.0f} M ({count / base:.2f}x)" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
