"""Reporters: each turns a LintResult into one output format, written to a stream it is given.

Picked by name from `REPORTERS`; checking never prints, reporters never check.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from runbook_engine.lint.result import LintResult
from runbook_engine.report.github import GithubReporter
from runbook_engine.report.json_format import JsonReporter
from runbook_engine.report.junit import JunitReporter
from runbook_engine.report.sarif import SarifReporter
from runbook_engine.report.text import TextReporter


class Reporter(Protocol):
    def write(self, result: LintResult, stream: TextIO) -> None: ...


REPORTERS: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
}


def reporter(name: str) -> Reporter:
    return REPORTERS[name]()
