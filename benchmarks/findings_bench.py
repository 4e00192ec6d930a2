"""Lint time against the number of findings: a runbook of N checks, each missing `signal`.

Locating a finding used to scan the node mapping again, so time grew with the square of the
findings (17,151 findings took 14.5 s). Prints, for N and 2N and 4N findings, the lint time, the
time of a bare parse of the same text (the baseline), and how much each grows when N doubles:
linear lint grows about x2, like the parse.

    .venv/bin/python benchmarks/findings_bench.py [--nodes 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import yaml

from runbook_engine.lint.engine import lint_source

HEAD = (
    'id: big\ntitle: Big\nservice: s\nowners: ["@o"]\nseverity: SEV-3\n'
    "symptom: {summary: x}\nstart: n0\nnodes:\n"
)
NODE = "  n{i}:\n    kind: check\n    text: t\n    answers: {{a: {target}}}\n"
END = "  end:\n    kind: resolve\n    text: done\n    monitoring: 5m\n"


def runbook(nodes: int) -> str:
    body = "".join(NODE.format(i=i, target=f"n{i + 1}" if i + 1 < nodes else "end") for i in range(nodes))
    return HEAD + body + END


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for nodes in (args.nodes, 2 * args.nodes, 4 * args.nodes):
        text = runbook(nodes)
        findings = len(lint_source(text, "big.yaml"))
        lint = best(partial(lint_source, text, "big.yaml"), args.repeat)
        parse = best(partial(yaml.load, text, Loader=yaml.CSafeLoader), args.repeat)
        rows.append((nodes, findings, lint, parse))
    print("| nodes | findings | lint | bare parse | lint / parse | lint growth | parse growth |")
    print("|---|---|---|---|---|---|---|")
    for index, (nodes, findings, lint, parse) in enumerate(rows):
        growth = f"x{lint / rows[index - 1][2]:.2f}" if index else "-"
        parse_growth = f"x{parse / rows[index - 1][3]:.2f}" if index else "-"
        ratio = f"{lint / parse:.1f}x"
        cells = [str(nodes), str(findings), f"{lint:.2f} s", f"{parse:.3f} s", ratio, growth, parse_growth]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
