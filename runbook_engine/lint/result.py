"""What a lint run found, as plain frozen data that reporters format (checking never prints)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from runbook_engine.findings import Finding, Severity
from runbook_engine.frozen import frozen

UNREADABLE = "RB011"
"""The loader code for a file that cannot be read: the run exits 2 like any unusable input."""


@frozen
class RuleInfo:
    """What reporters need to know about a rule (SARIF lists them; docs describe them)."""

    code: str
    name: str
    summary: str
    severity: Severity
    doc: str = ""


@frozen
class LintResult:
    """Every finding of a run, sorted by file and position, and the files that were checked."""

    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    rules: tuple[RuleInfo, ...] = ()

    def with_findings(self, extra: Iterable[Finding]) -> LintResult:
        """The same run with more findings (from checks that run after the rules), kept sorted."""
        findings = sorted((*self.findings, *extra), key=Finding.sort_key)
        return replace(self, findings=tuple(findings))

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def by_file(self) -> dict[str, list[Finding]]:
        """Findings grouped per file, with every checked file present (clean ones empty)."""
        grouped: dict[str, list[Finding]] = {name: [] for name in self.files}
        for finding in self.findings:
            grouped.setdefault(finding.path, []).append(finding)
        return grouped

    def exit_code(self, *, strict: bool = False) -> int:
        """0 clean, 1 errors (or warnings when strict), 2 when an input could not be read."""
        if any(finding.code == UNREADABLE for finding in self.findings):
            return EXIT_USAGE
        if self.errors or (strict and self.warnings):
            return EXIT_FINDINGS
        return EXIT_OK

    def summary(self) -> str:
        failing = len({finding.path for finding in self.findings})
        counts = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')}"
        checked = _plural(len(self.files), "file")
        return f"{counts} in {failing} of {checked}" if failing else f"{counts} in {checked} checked"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
