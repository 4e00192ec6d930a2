"""Reporters on hand-built results: each format says the same things in its own shape."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest

from runbook_engine.findings import Finding, Position, Severity
from runbook_engine.lint.result import LintResult
from runbook_engine.lint.rules import catalog
from runbook_engine.report import REPORTERS, reporter
from runbook_engine.report.github import annotation
from tests.conftest import REPO

SARIF_SCHEMA = REPO.parent / "shared" / "schemas-external" / "sarif-schema-2.1.0.json"

ERROR = Finding("rb/a.yaml", Position(3, 5), "RB202", "'yes' leads to unknown node 'x'", "did you mean 'y'?")
WARNING = Finding("rb/a.yaml", Position(9, 3), "RB203", "node 'z' cannot be reached", "", Severity.WARNING)
ODD = Finding("rb/b,c.yaml", Position(1, 1), "RB305", "50% done: TODO\nnext line", "a<b & 'c'", Severity.INFO)
RESULT = LintResult(("rb/a.yaml", "rb/b,c.yaml", "rb/clean.yaml"), (ERROR, WARNING, ODD), catalog())
CLEAN = LintResult(("rb/clean.yaml",), (), catalog())


def render(name: str, result: LintResult = RESULT) -> str:
    stream = io.StringIO()
    reporter(name).write(result, stream)
    return stream.getvalue()


def test_text_has_location_code_message_and_hint() -> None:
    lines = render("text").splitlines()
    assert lines[0] == "rb/a.yaml:3:5: RB202 'yes' leads to unknown node 'x'"
    assert lines[1] == "    hint: did you mean 'y'?"
    assert lines[2] == "rb/a.yaml:9:3: RB203 node 'z' cannot be reached (warning)"
    assert lines[-1] == "1 error, 1 warning in 2 of 3 files"


def test_text_of_a_clean_run_is_one_summary_line() -> None:
    assert render("text", CLEAN) == "0 errors, 0 warnings in 1 file checked\n"


def test_json_lists_findings_and_summary() -> None:
    document = json.loads(render("json"))
    assert document["summary"] == {"errors": 1, "warnings": 1, "files": 3}
    assert document["findings"][0] == {
        "path": "rb/a.yaml", "line": 3, "column": 5, "code": "RB202", "severity": "error",
        "message": "'yes' leads to unknown node 'x'", "hint": "did you mean 'y'?", "node": None,
    }


def test_github_annotations_escape_newlines_and_separators() -> None:
    lines = render("github").splitlines()
    assert lines[0].startswith("::error file=rb/a.yaml,line=3,col=5,title=RB202 'yes' leads")
    assert lines[1].startswith("::warning ")
    assert lines[2].startswith("::notice file=rb/b%2Cc.yaml,")
    assert "50%25 done: TODO%0Anext line" in annotation(ODD)
    assert len(lines) == 3


def sarif() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render("sarif"))
    return document


def test_sarif_results_point_at_rules_and_regions() -> None:
    run = sarif()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "RB202"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert [result["level"] for result in run["results"]] == ["error", "warning", "note"]


@pytest.mark.skipif(not SARIF_SCHEMA.is_file(), reason="the shared SARIF schema is not present")
def test_sarif_is_valid_against_the_2_1_0_schema() -> None:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [error.message for error in validator.iter_errors(sarif())]
    assert errors == []


def test_junit_has_one_case_per_file_and_a_failure_per_error() -> None:
    root = ElementTree.fromstring(render("junit").split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"rb/a.yaml", "rb/b,c.yaml", "rb/clean.yaml"}
    failure = cases["rb/a.yaml"].find("failure")
    assert failure is not None and failure.get("type") == "RB202"
    assert cases["rb/clean.yaml"].find("failure") is None
    assert "a<b & 'c'" in render("junit").replace("&lt;", "<").replace("&amp;", "&")


def test_junit_failures_count_equals_the_failure_elements() -> None:
    second = Finding("rb/a.yaml", Position(7, 1), "RB201", "start node 'q' does not exist", "")
    third = Finding("rb/d.yaml", Position(2, 1), "RB101", "missing 'title'", "")
    result = LintResult(("rb/a.yaml", "rb/d.yaml"), (ERROR, second, WARNING, third), catalog())
    suite = ElementTree.fromstring(render("junit", result).split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == str(len(list(suite.iter("failure")))) == "2"
    failure = suite.find("testcase[@name='rb/a.yaml']/failure")
    assert failure is not None and failure.text is not None
    assert "RB202" in failure.text and "RB201" in failure.text
    assert failure.get("message", "").endswith("(and 1 more error(s))")


def test_sarif_uris_are_percent_encoded() -> None:
    odd = Finding("rb/my runbook #2 100%.yaml", Position(1, 1), "RB202", "x", "")
    document = json.loads(render("sarif", LintResult((odd.path,), (odd,), catalog())))
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "rb/my%20runbook%20%232%20100%25.yaml"


CLEAN_SHAPES: dict[str, Callable[[str], bool]] = {
    "text": lambda out: out == "0 errors, 0 warnings in 1 file checked\n",
    "json": lambda out: json.loads(out)["findings"] == [],
    "github": lambda out: out == "",
    "sarif": lambda out: json.loads(out)["runs"][0]["results"] == [],
    "junit": lambda out: "<failure" not in out and 'tests="1"' in out,
}


@pytest.mark.parametrize("name", sorted(REPORTERS))
def test_every_reporter_reports_a_clean_run(name: str) -> None:
    assert CLEAN_SHAPES[name](render(name, CLEAN))
