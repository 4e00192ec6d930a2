"""JUnit XML, which most CI servers show as a test report: one test case per file, failures per finding."""

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
            for finding in findings:
                tag = "failure" if finding.severity is Severity.ERROR else "system-out"
                element = ElementTree.SubElement(case, tag)
                if tag == "failure":
                    element.set("type", finding.code)
                    element.set("message", f"{finding.code} {finding.message}")
                element.text = format_finding(finding)
        ElementTree.indent(suites)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ElementTree.tostring(suites, encoding="unicode") + "\n")


def _failures(findings: Sequence[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
