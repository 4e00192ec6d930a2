"""A failing drill says which expectation failed, at which step, with the path so far, in every format."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from tests.drill.conftest import FIXTURES

FAILING = FIXTURES / "failing"
WRONG_NODE = FAILING / "tiny-wrong-node.drill.yaml"
REFUSED = FAILING / "tiny-unexpected-refusal.drill.yaml"
DRILL_NAME = "tiny-restart.yaml"


def test_wrong_node_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(WRONG_NODE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "FAILED tiny-wrong-node (tiny, 2/3 steps)"
    assert lines[1] == (
        f"  {WRONG_NODE}:11:7: step 2 (start): node: expected the walker at 'fine', but it is at 'restart'"
    )
    assert lines[2] == "    path so far: slow [yes] -> restart"


def test_unexpected_refusal_names_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(REFUSED)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{REFUSED}:11:5: step 4 (resolve latency normal): refused: "
        "the engine refused it (not_mitigated): the incident is not mitigated"
    ) in out
    assert "path so far: slow [yes] -> restart [helped] -> fine" in out


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FAILING), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"total": 2, "passed": 0, "failed": 2, "error": 0}
    by_id = {d["drill"]: d for d in data["drills"]}
    failure = by_id["tiny-wrong-node"]["failures"][0]
    assert failure["expectation"] == "node"
    assert (failure["step"], failure["line"], failure["column"]) == (2, 11, 7)
    assert failure["path_so_far"] == "slow [yes] -> restart"
    timeline = by_id["tiny-wrong-node"]["timeline"]
    assert timeline[0] == "[14:00 UTC] @ines Opened SEV-3 on tiny: tiny-wrong-node (IC @ines)"
    assert "[14:00 UTC] @omar Answered tiny#slow: yes (evidence: p99 at 4 s) [walker @omar]" in timeline


def test_junit_parses_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FIXTURES), "--format", "junit", "--coverage"]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    assert root.tag == "testsuites"
    drills, coverage = root.findall("testsuite")
    assert (drills.get("tests"), drills.get("failures"), drills.get("errors")) == ("3", "2", "0")
    cases = {case.get("name"): case for case in drills.findall("testcase")}
    assert cases["tiny-restart"].find("failure") is None
    failure = cases["tiny-wrong-node"].find("failure")
    assert failure is not None
    assert failure.get("message") == "step 2 (start): expected the walker at 'fine', but it is at 'restart'"
    assert "path so far: slow [yes] -> restart" in (failure.text or "")
    assert cases["tiny-wrong-node"].get("classname") == "drills.tiny"
    assert [case.get("name") for case in coverage.findall("testcase")] == ["tiny"]


def test_junit_to_file_escapes_text(tmp_path: Path, tiny_library: Path) -> None:
    drill = tiny_library / "drills" / "odd.yaml"
    drill.write_text(
        "drill: odd\nrunbook: tiny\nscenario:\n  severity: SEV-3\n"
        "  roles: {ic: ines, primary: omar, owner: olga}\n"
        "steps:\n  - note: '<b>&\"quoted\"</b>'\nexpect:\n  timeline: ['<missing & gone>']\n",
        encoding="utf-8",
    )
    report = tmp_path / "out.xml"
    assert main(["drill", str(drill), "--format", "junit", "-o", str(report)]) == 1
    case = ET.parse(report).getroot().find("testsuite/testcase")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert "'<missing & gone>'" in (failure.get("message") or "")


def test_junit_reports_unreadable_drills_as_errors(
    tiny_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_library / "drills" / "broken.yaml").write_text("drill: [\n", encoding="utf-8")
    assert main(["drill", str(tiny_library), "--format", "junit"]) == 2
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("errors")) == ("1", "1")
    error = suite.find("testcase/error")
    assert error is not None
    assert error.get("type") == "RB001"


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(FIXTURES), "--format", "github", "--min-coverage", "70"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"::error file={WRONG_NODE},line=11,col=7,title=drill tiny-wrong-node%3A node::"
        "step 2 (start): expected the walker at 'fine', but it is at 'restart'"
        "%0Apath so far: slow [yes] -> restart"
    ) in lines
    tiny = FIXTURES / "tiny" / "tiny.yaml"
    assert (
        f"::error file={tiny},title=drill coverage::drill coverage 62.5%25 is below the minimum 70%25"
    ) in lines
    assert lines[-1] == "3 drill(s): 1 passed, 2 failed, 0 could not run"


def test_a_library_without_drills_passes_and_says_so(
    tiny_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drill", str(tiny_library)]) == 0
    assert "no drills yet" in capsys.readouterr().out
    assert main(["drill", str(tiny_library / "nope")]) == 2


def test_a_drill_of_a_runbook_that_does_not_lint_shows_its_findings(
    tiny_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runbook = tiny_library / "tiny.yaml"
    runbook.write_text(runbook.read_text().replace("start: slow", "start: nowhere"), encoding="utf-8")
    shutil.copy(FIXTURES / "tiny" / "drills" / DRILL_NAME, tiny_library / "drills" / DRILL_NAME)
    assert main(["drill", str(tiny_library)]) == 2
    out = capsys.readouterr().out
    assert "runbook 'tiny'" in out and "does not lint" in out
    assert "RB201" in out and "no runbook with id" not in out
