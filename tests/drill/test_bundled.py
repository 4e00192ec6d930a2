"""The bundled library's drills pass, and every bundled runbook has a drill for each of its outcomes."""

from __future__ import annotations

import pytest

from runbook_engine.cli.main import main
from runbook_engine.drill.coverage import library_coverage
from runbook_engine.drill.library import Library, Policies, discover_drills, run_one
from runbook_engine.format.library import discover, load_runbook
from tests.conftest import RUNBOOKS


def test_bundled_drills_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["drill", str(RUNBOOKS / "drills"), "--min-coverage", "70"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 failed, 0 could not run" in out


def test_every_bundled_runbook_outcome_is_drilled() -> None:
    library = Library()
    results = [run_one(path, library, Policies()) for path in discover_drills([str(RUNBOOKS / "drills")])]
    runbooks = [load_runbook(path) for path in discover([str(RUNBOOKS)])]
    assert len(runbooks) >= 8
    missed = {c.runbook: c.missed_outcomes for c in library_coverage(runbooks, results) if c.missed_outcomes}
    assert missed == {}
    undrilled = {c.runbook for c in library_coverage(runbooks, results) if c.drills == 0}
    assert undrilled == set()


@pytest.mark.parametrize(
    "drill",
    ["seed-checkout-47-minutes", "seed-redis-max-connections", "seed-bad-incident-response"],
)
def test_seed_replays_are_bundled(drill: str) -> None:
    result = run_one(RUNBOOKS / "drills" / f"{drill}.yaml", Library(), Policies())
    assert result.passed, result.failures
