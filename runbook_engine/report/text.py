"""The human format: `path:line:col: CODE message`, an indented hint, and a one-line summary."""

from __future__ import annotations

from typing import TextIO

from runbook_engine.findings import Finding, Severity
from runbook_engine.lint.result import LintResult
from runbook_engine.terminal_text import visible


class TextReporter:
    def write(self, result: LintResult, stream: TextIO) -> None:
        for finding in result.findings:
            stream.write(visible(format_finding(finding)) + "\n")
        stream.write(result.summary() + "\n")


def format_finding(finding: Finding) -> str:
    where = f"{finding.path}:{finding.position.line}:{finding.position.column}"
    level = "" if finding.severity is Severity.ERROR else f" ({finding.severity.value})"
    line = f"{where}: {finding.code} {finding.message}{level}"
    return f"{line}\n    hint: {finding.hint}" if finding.hint else line
