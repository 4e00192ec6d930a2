"""The outcome of running drills: results filled by the runner, read by reporters and coverage."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from runbook_engine.findings import Finding, Position
from runbook_engine.frozen import frozen

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
"""A drill that could not run: its file or its runbook is unreadable or invalid."""


@frozen
class Failure:
    """One expectation that did not hold: what, where in the drill and how far the walk had got.

    `step` is None for the drill's final `expect`.
    """

    expectation: str
    message: str
    position: Position
    path_so_far: str
    step: int | None = None
    step_text: str = ""

    def where(self) -> str:
        return f"step {self.step} ({self.step_text})" if self.step is not None else "final expect"


@frozen
class DrillResult:
    """One drill's run: status, failures and the walk it made (for coverage)."""

    drill: str
    path: str
    runbook: str
    status: str
    title: str = ""
    failures: tuple[Failure, ...] = ()
    errors: tuple[Finding, ...] = ()
    steps_run: int = 0
    steps_total: int = 0
    seconds: float = 0.0
    runbook_path: str = ""
    visits: tuple[str, ...] = ()
    edges: tuple[tuple[str, str], ...] = ()
    timeline: tuple[str, ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        return self.status == PASSED


def error_result(path: str, findings: list[Finding], drill: str = "", runbook: str = "") -> DrillResult:
    """A drill that cannot run, named after its file when its id is unknown."""
    return DrillResult(
        drill=drill or Path(path).stem,
        path=path,
        runbook=runbook,
        status=ERROR,
        errors=tuple(findings),
    )
