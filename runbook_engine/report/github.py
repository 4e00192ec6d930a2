"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff."""

from __future__ import annotations

from typing import TextIO

from runbook_engine.findings import Finding, Severity
from runbook_engine.lint.result import LintResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


class GithubReporter:
    def write(self, result: LintResult, stream: TextIO) -> None:
        for finding in result.findings:
            stream.write(annotation(finding) + "\n")


def annotation(finding: Finding) -> str:
    message = f"{finding.code} {finding.message}" + (f"\n{finding.hint}" if finding.hint else "")
    return workflow_command(
        COMMANDS.get(finding.severity, "notice"),
        message,
        file=finding.path,
        line=finding.position.line,
        col=finding.position.column,
        title=f"{finding.code} {finding.message}",
    )


def workflow_command(command: str, message: str, **properties: str | int) -> str:
    """`::error file=...,line=...::message`, every part escaped (drill reports use it too)."""
    fields = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items())
    return f"::{command} {fields}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Workflow-command escaping: a newline in a message must not end the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
