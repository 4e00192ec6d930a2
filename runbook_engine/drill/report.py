"""Drill reporters (text, json, junit, github): each formats a finished DrillReport onto an injected stream.

Lint's reporters format findings; drills report steps, failures and coverage, so they keep their
own small set here, picked by name from `REPORTERS` like lint's (reusing lint's GitHub escaping).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, TextIO

from runbook_engine.frozen import frozen
from runbook_engine.report.github import annotation, workflow_command
from runbook_engine.terminal_text import visible

from .coverage import RunbookCoverage
from .result import ERROR, FAILED, PASSED, DrillResult, Failure


@frozen
class DrillReport:
    """Everything a reporter prints: results, and coverage when it was asked for."""

    results: tuple[DrillResult, ...]
    coverage: tuple[RunbookCoverage, ...] | None = None
    min_coverage: float | None = None

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    def coverage_failing(self, item: RunbookCoverage) -> bool:
        return self.min_coverage is not None and item.percent + 1e-9 < self.min_coverage


Reporter = Callable[[DrillReport, TextIO], None]


def write_text(report: DrillReport, stream: TextIO) -> None:
    for result in report.results:
        stream.write(visible(_text_result(result)))
    if report.coverage is not None:
        stream.write(visible(_text_coverage(report)))
    stream.write(
        f"{len(report.results)} drill(s): {report.count(PASSED)} passed, "
        f"{report.count(FAILED)} failed, {report.count(ERROR)} could not run\n"
    )


def _text_result(result: DrillResult) -> str:
    if result.status == ERROR:
        lines = [f"ERROR {result.drill}: cannot run"]
        for f in result.errors:
            lines.append(f"  {f.path}:{f.position.line}:{f.position.column}: {f.code} {f.message}")
            lines.extend([f"    hint: {f.hint}"] if f.hint else [])
        return "\n".join(lines) + "\n"
    steps = f"{result.steps_run}/{result.steps_total} steps"
    lines = [f"{result.status.upper()} {result.drill} ({result.runbook}, {steps})"]
    for failure in result.failures:
        where = f"{result.path}:{failure.position.line}:{failure.position.column}"
        lines.append(f"  {where}: {failure.where()}: {failure.expectation}: {failure.message}")
        lines.append(f"    path so far: {failure.path_so_far}")
    return "\n".join(lines) + "\n"


def _text_coverage(report: DrillReport) -> str:
    lines = ["coverage:"]
    for item in report.coverage or ():
        flag = "  BELOW MINIMUM" if report.coverage_failing(item) else ""
        lines.append(
            f"  {item.runbook}: {item.percent:.1f}% ({item.covered}/{item.total} nodes and edges,"
            f" {item.drills} drill(s)){flag}"
        )
        if item.missed_nodes:
            lines.append("    nodes no drill enters: " + ", ".join(item.missed_nodes))
        if item.missed_edges:
            lines.append("    edges no drill takes: " + ", ".join(str(e) for e in item.missed_edges))
        if item.missed_outcomes:
            lines.append("    outcomes no drill reaches: " + ", ".join(item.missed_outcomes))
    return "\n".join(lines) + "\n"


def write_json(report: DrillReport, stream: TextIO) -> None:
    data: dict[str, Any] = {
        "drills": [_json_result(result) for result in report.results],
        "summary": {
            "total": len(report.results),
            PASSED: report.count(PASSED),
            FAILED: report.count(FAILED),
            ERROR: report.count(ERROR),
        },
    }
    if report.coverage is not None:
        data["coverage"] = [_json_coverage(report, item) for item in report.coverage]
        data["min_coverage"] = report.min_coverage
    json.dump(data, stream, indent=2)
    stream.write("\n")


def _json_result(result: DrillResult) -> dict[str, Any]:
    return {
        "drill": result.drill,
        "title": result.title,
        "path": result.path,
        "runbook": result.runbook,
        "status": result.status,
        "steps_run": result.steps_run,
        "steps_total": result.steps_total,
        "seconds": round(result.seconds, 4),
        "runbook_path": result.runbook_path,
        "nodes_entered": list(result.visits),
        "failures": [_json_failure(f) for f in result.failures],
        "errors": [
            {
                "path": f.path,
                "line": f.position.line,
                "column": f.position.column,
                "code": f.code,
                "message": f.message,
                "hint": f.hint,
            }
            for f in result.errors
        ],
        "timeline": list(result.timeline),
    }


def _json_failure(failure: Failure) -> dict[str, Any]:
    return {
        "expectation": failure.expectation,
        "message": failure.message,
        "step": failure.step,
        "step_text": failure.step_text,
        "line": failure.position.line,
        "column": failure.position.column,
        "path_so_far": failure.path_so_far,
    }


def _json_coverage(report: DrillReport, item: RunbookCoverage) -> dict[str, Any]:
    return {
        "runbook": item.runbook,
        "path": item.path,
        "drills": item.drills,
        "percent": round(item.percent, 2),
        "covered": item.covered,
        "total": item.total,
        "missed_nodes": list(item.missed_nodes),
        "missed_edges": [
            {"source": e.source, "label": e.label, "target": e.target} for e in item.missed_edges
        ],
        "missed_outcomes": list(item.missed_outcomes),
        "below_minimum": report.coverage_failing(item),
    }


def write_junit(report: DrillReport, stream: TextIO) -> None:
    """JUnit XML as CI servers read it: one testcase per drill, one per runbook's coverage."""
    root = ET.Element("testsuites", name="runbook drill")
    suite = _suite(root, "drills", report.results)
    for result in report.results:
        _junit_case(suite, result)
    if report.coverage is not None:
        _coverage_suite(root, report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def _suite(root: ET.Element, name: str, results: tuple[DrillResult, ...]) -> ET.Element:
    return ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(sum(1 for r in results if r.status == FAILED)),
        errors=str(sum(1 for r in results if r.status == ERROR)),
        time=f"{sum(r.seconds for r in results):.3f}",
    )


def _junit_case(suite: ET.Element, result: DrillResult) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"drills.{result.runbook or 'unknown'}",
        name=result.drill,
        file=result.path,
        time=f"{result.seconds:.3f}",
    )
    if result.status == FAILED:
        first = result.failures[0]
        failure = ET.SubElement(
            case, "failure", message=f"{first.where()}: {first.message}", type=first.expectation
        )
        failure.text = _text_result(result)
    elif result.status == ERROR:
        first_error = result.errors[0]
        error = ET.SubElement(
            case, "error", message=f"{first_error.code} {first_error.message}", type=first_error.code
        )
        error.text = _text_result(result)


def _coverage_suite(root: ET.Element, report: DrillReport) -> None:
    items = report.coverage or ()
    failing = [item for item in items if report.coverage_failing(item)]
    suite = ET.SubElement(
        root, "testsuite", name="coverage", tests=str(len(items)), failures=str(len(failing)), errors="0"
    )
    for item in items:
        case = ET.SubElement(suite, "testcase", classname="coverage", name=item.runbook, file=item.path)
        ET.SubElement(
            ET.SubElement(case, "properties"), "property", name="percent", value=f"{item.percent:.1f}"
        )
        if report.coverage_failing(item):
            message = f"{item.percent:.1f}% is below the minimum {report.min_coverage:g}%"
            ET.SubElement(case, "failure", message=message, type="coverage").text = _text_coverage(
                DrillReport((), (item,), report.min_coverage)
            )


def write_github(report: DrillReport, stream: TextIO) -> None:
    """GitHub Actions annotations: each failure on its line of the drill, then the summary."""
    for result in report.results:
        for finding in result.errors:
            stream.write(annotation(finding) + "\n")
        for failure in result.failures:
            stream.write(_failure_annotation(result, failure) + "\n")
    for item in report.coverage or ():
        if report.coverage_failing(item):
            message = f"drill coverage {item.percent:.1f}% is below the minimum {report.min_coverage:g}%"
            stream.write(workflow_command("error", message, file=item.path, title="drill coverage") + "\n")
    write_text(DrillReport(report.results, None, None), stream)


def _failure_annotation(result: DrillResult, failure: Failure) -> str:
    return workflow_command(
        "error",
        f"{failure.where()}: {failure.message}\npath so far: {failure.path_so_far}",
        file=result.path,
        line=failure.position.line,
        col=failure.position.column,
        title=f"drill {result.drill}: {failure.expectation}",
    )


REPORTERS: dict[str, Reporter] = {
    "text": write_text,
    "json": write_json,
    "junit": write_junit,
    "github": write_github,
}
