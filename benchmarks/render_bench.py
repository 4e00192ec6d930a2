"""Benchmark `runbook render -f svg` against bare `dot -Tsvg` on the same DOT text.

Usage: .venv/bin/python benchmarks/render_bench.py [--sizes 100,1000] [--repeat 1]

Columns: bare `dot -Tsvg`, `runbook render -f svg`, their ratio, `runbook render -f dot` (our own
cost without dot) and the ratio it implies, which dot's run-to-run noise does not blur.

By default runbook-engine runs from a wheel installed into a throw-away venv (what `pip install`
gives a user); `--editable` times this development venv's editable install instead, whose import
finder adds ~10 ms to every start-up.

`--sizes` counts cause branches of the generated runbook (about 5 nodes each: 100 -> 502 nodes,
1000 -> 5,002 nodes). Both sides run as fresh processes, so the ratio includes everything a user
waits for: interpreter start, imports, loading and checking the YAML, building the DOT, running
dot, writing the file. Targets: <= 1.3x at ~500 nodes and <= 1.05x at ~5,000 nodes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.render.big import big_runbook_yaml  # noqa: E402 - needs the repository on sys.path

TARGETS = {500: 1.3, 5000: 1.05}
"""Target ratio by node count; a size gets the target of the nearest count."""


def wall_seconds(argv: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


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


def measure(causes: int, folder: Path, repeat: int, python: str) -> tuple[int, float, float, float]:
    """(nodes, best dot, best render, best `render -f dot`) seconds; runs interleaved for drift.

    `render -f dot` is everything runbook-engine adds around dot (start-up, loading, building
    the DOT, writing), so `(dot + it) / dot` estimates the ratio without dot's own run-to-run noise.
    """
    runbook = folder / f"generated-{causes}.yaml"
    text = big_runbook_yaml(causes)
    runbook.write_text(text, encoding="utf-8")
    dot_file = folder / f"generated-{causes}.dot"
    render = [python, "-m", "runbook_engine", "render", str(runbook)]
    subprocess.run([*render, "-f", "dot", "-o", str(dot_file)], check=True)
    nodes = len(json.loads(text)["nodes"])
    bare = [shutil.which("dot") or "dot", "-Tsvg", str(dot_file), "-o", str(folder / "bare.svg")]
    ours = [*render, "-f", "svg", "-o", str(folder / "ours.svg")]
    text_only = [*render, "-f", "dot", "-o", str(folder / "again.dot")]
    dot_runs, our_runs, text_runs = [], [], []
    for _ in range(repeat):
        dot_runs.append(wall_seconds(bare))
        our_runs.append(wall_seconds(ours))
        text_runs.append(wall_seconds(text_only))
    if (folder / "bare.svg").read_bytes() != (folder / "ours.svg").read_bytes():
        raise SystemExit("the two SVGs differ: the benchmark is not comparing like with like")
    return nodes, min(dot_runs), min(our_runs), min(text_runs)


def target_for(nodes: int) -> float:
    return TARGETS[min(TARGETS, key=lambda count: abs(count - nodes))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="cause branches per runbook, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best one counts")
    parser.add_argument("--editable", action="store_true",
                        help="time this venv's editable install instead of a wheel install")
    args = parser.parse_args(argv)
    if shutil.which("dot") is None:
        print("render_bench: dot is not on PATH (apt-get install graphviz)", file=sys.stderr)
        return 2
    print(f"{'nodes':>6} {'dot -Tsvg':>10} {'runbook render':>15} {'ratio':>7} "
          f"{'-f dot':>7} {'estimate':>8} {'target':>7}")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        python = sys.executable if args.editable else installed_python(Path(tmp))
        for causes in (int(size) for size in args.sizes.split(",")):
            nodes, bare, ours, own = measure(causes, Path(tmp), args.repeat, python)
            ratio, estimate, target = ours / bare, (bare + own) / bare, target_for(nodes)
            failed |= ratio > target
            print(f"{nodes:>6} {bare:>9.2f}s {ours:>14.2f}s {ratio:>6.3f}x {own:>6.2f}s "
                  f"{estimate:>7.3f}x {target:>6.2f}x  {'ok' if ratio <= target else 'MISSED'}",
                  flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
