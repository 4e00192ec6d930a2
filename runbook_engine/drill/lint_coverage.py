"""RB401 findings: runs the drills beside the linted runbooks and flags those covered too little."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runbook_engine.findings import Finding, Position, Severity
from runbook_engine.lint.coverage import CODE, HINT

from .library import coverage_shortfalls


def coverage_findings(files: Sequence[Path], minimum: float) -> list[Finding]:
    """One finding per linted runbook whose drill coverage is under `minimum` percent."""
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
