"""JUnit XML, which most CI servers show as a test report: one test case per file.

A file with errors is one failing test case with one `<failure>` that lists every error, so the
suite's `failures` count and the number of `<failure>` elements agree (junitparser and CI servers
count elements). Warnings and notes go to the case's `<system-out>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO
from xml.etree import ElementTree

from runbook_engine.findings import Finding, Severity
from runbook_engine.lint.result import LintResult
from runbook_engine.report.text import format_finding

SUITE = "runbook lint"


class JunitReporter:
    def write(self, result: LintResult, stream: TextIO) -> None:
        suites = ElementTree.Element("testsuites")
        grouped = result.by_file()
        failing = len([found for found in grouped.values() if _failures(found)])
        suite = ElementTree.SubElement(
            suites, "testsuite", name=SUITE, tests=str(len(grouped)), failures=str(failing), errors="0"
        )
        for path, findings in grouped.items():
            case = ElementTree.SubElement(suite, "testcase", classname=SUITE, name=path)
            errors = [finding for finding in findings if finding.severity is Severity.ERROR]
            others = [finding for finding in findings if finding.severity is not Severity.ERROR]
            if errors:
                failure = ElementTree.SubElement(case, "failure", type=errors[0].code)
                failure.set("message", _failure_message(errors))
                failure.text = "\n".join(map(format_finding, errors))
            if others:
                ElementTree.SubElement(case, "system-out").text = "\n".join(map(format_finding, others))
        ElementTree.indent(suites)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ElementTree.tostring(suites, encoding="unicode") + "\n")


def _failure_message(errors: Sequence[Finding]) -> str:
    first = f"{errors[0].code} {errors[0].message}"
    return first if len(errors) == 1 else f"{first} (and {len(errors) - 1} more error(s))"


def _failures(findings: Sequence[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
