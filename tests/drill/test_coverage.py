"""Coverage of the tiny fixture runbook, counted by hand, and `--min-coverage`'s exit codes.

tiny has 4 nodes (slow, restart, page, fine) and 4 edges (slow-yes, slow-no, restart-helped,
restart-no_change). The passing drill walks slow -yes-> restart -helped-> fine: 3 nodes and 2
edges, so 5 of 8 = 62.5%; the failing drills do not count.
"""

from __future__ import annotations

import json

import pytest

from runbook_engine.cli.main import main
from runbook_engine.drill.coverage import EdgeRef, runbook_coverage
from runbook_engine.drill.result import FAILED, PASSED, DrillResult
from runbook_engine.format.library import load_runbook
from tests.conftest import RUNBOOKS
from tests.drill.conftest import FIXTURES, TINY


def _result(status: str, visits: tuple[str, ...], edges: tuple[tuple[str, str], ...]) -> DrillResult:
    return DrillResult("d", "d.yaml", "tiny", status, visits=visits, edges=edges)


def test_hand_counted_coverage() -> None:
    runbook = load_runbook(TINY / "tiny.yaml")
    walked = _result(PASSED, ("slow", "restart", "fine"), (("slow", "yes"), ("restart", "helped")))
    ignored = _result(FAILED, ("slow", "page"), (("slow", "no"),))
    coverage = runbook_coverage(runbook, [walked, ignored])
    assert (coverage.nodes_total, coverage.edges_total, coverage.covered) == (4, 4, 5)
    assert coverage.percent == 62.5
    assert coverage.missed_nodes == ("page",)
    assert coverage.missed_edges == (EdgeRef("slow", "no", "fine"), EdgeRef("restart", "no_change", "page"))
    assert coverage.missed_outcomes == ("page",)
    assert coverage.drills == 1


def test_two_drills_cover_everything() -> None:
    runbook = load_runbook(TINY / "tiny.yaml")
    first = _result(PASSED, ("slow", "restart", "fine"), (("slow", "yes"), ("restart", "helped")))
    second = _result(PASSED, ("slow", "fine", "restart", "page"), (("slow", "no"), ("restart", "no_change")))
    assert runbook_coverage(runbook, [first, second]).percent == 100.0


def test_coverage_report_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FIXTURES / "tiny"), "--coverage", "--format", "json"]) == 0
    (tiny,) = json.loads(capsys.readouterr().out)["coverage"]
    assert (tiny["percent"], tiny["covered"], tiny["total"]) == (62.5, 5, 8)
    assert tiny["missed_nodes"] == ["page"]
    assert {"source": "slow", "label": "no", "target": "fine"} in tiny["missed_edges"]


@pytest.mark.parametrize(("minimum", "code"), [("62.5", 0), ("60%", 0), ("63", 1)])
def test_min_coverage_exit_code(minimum: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FIXTURES / "tiny"), "--min-coverage", minimum]) == code
    out = capsys.readouterr().out
    assert "tiny: 62.5% (5/8 nodes and edges, 1 drill(s))" in out
    assert ("BELOW MINIMUM" in out) == (code == 1)


def test_min_coverage_must_be_a_percentage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FIXTURES / "tiny"), "--min-coverage", "120"]) == 2
    assert "not between 0 and 100" in capsys.readouterr().err


def test_undrilled_runbooks_show_at_zero(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["drill", str(FIXTURES / "tiny"), "--runbooks", str(RUNBOOKS), "--coverage", "--format", "json"]
    assert main(args) == 0
    coverage = {c["runbook"]: c for c in json.loads(capsys.readouterr().out)["coverage"]}
    assert coverage["tiny"]["percent"] == 62.5
    assert coverage["redis-max-connections"]["percent"] == 0.0
    assert coverage["redis-max-connections"]["drills"] == 0


def test_coverage_shortfalls_for_a_linter() -> None:
    from runbook_engine.drill.library import coverage_shortfalls

    (short,) = coverage_shortfalls([FIXTURES / "tiny"], 70)
    assert (short.runbook, short.percent) == ("tiny", 62.5)
    assert coverage_shortfalls([FIXTURES / "tiny"], 60) == []
