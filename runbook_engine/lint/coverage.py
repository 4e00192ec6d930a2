"""Drill coverage as an opt-in lint check (RB401): a runbook no drill walks well enough fails lint.

Off unless `min-drill-coverage` is configured or `--min-drill-coverage` given, because it runs
every drill found beside the linted runbooks.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runbook_engine.findings import Finding, Position, Severity

CODE = "RB401"
NAME = "drill-coverage"
SUMMARY = "drills exercise too few of a runbook's nodes and edges"
HINT = "add drills for the parts no drill walks (`runbook drill --coverage` lists them)"


def coverage_findings(files: Sequence[Path], minimum: float) -> list[Finding]:
    """One finding per linted runbook whose drill coverage is under `minimum` percent."""
    from runbook_engine.drill.library import coverage_shortfalls

    folders = sorted({path.parent for path in files})
    linted = {path.resolve(): str(path) for path in files}
    return [
        Finding(
            linted[Path(short.path).resolve()],
            Position(),
            CODE,
            f"drill coverage of {short.runbook} is {short.percent:.0f}%, under the required "
            f"{minimum:g}% ({short.drills} drill(s); {_missed(short.missed_nodes)})",
            HINT,
            Severity.ERROR,
        )
        for short in coverage_shortfalls(folders, minimum)
        if Path(short.path).resolve() in linted
    ]


def _missed(nodes: Sequence[str]) -> str:
    if not nodes:
        return "every node walked, some answers never taken"
    shown = ", ".join(nodes[:5])
    return f"never reached: {shown}{', ...' if len(nodes) > 5 else ''}"
