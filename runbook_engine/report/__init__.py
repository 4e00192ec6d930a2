"""Reporters: each turns a LintResult into one output format, written to a stream it is given.

Picked by name from `REPORTERS`; checking never prints, reporters never check.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol, TextIO

from runbook_engine.lint.result import LintResult


class Reporter(Protocol):
    def write(self, result: LintResult, stream: TextIO) -> None: ...


REPORTERS: dict[str, str] = {
    "text": "text:TextReporter",
    "json": "json_format:JsonReporter",
    "github": "github:GithubReporter",
    "sarif": "sarif:SarifReporter",
    "junit": "junit:JunitReporter",
}
"""Reporter name -> its module and class, imported only when chosen (junit's XML costs start-up)."""


def reporter(name: str) -> Reporter:
    module, cls = REPORTERS[name].split(":")
    made: Reporter = getattr(import_module(f"runbook_engine.report.{module}"), cls)()
    return made
