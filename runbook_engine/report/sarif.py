"""SARIF 2.1.0, the format code-scanning tools (GitHub's included) read: rules plus located results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from runbook_engine import __version__
from runbook_engine.findings import Finding, Severity
from runbook_engine.lint.result import LintResult, RuleInfo

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
RULES_DOC = "https://runbook-engine.dev/docs/rules.html"


class SarifReporter:
    def write(self, result: LintResult, stream: TextIO) -> None:
        json.dump(sarif_log(result), stream, indent=2, ensure_ascii=False)
        stream.write("\n")


def sarif_log(result: LintResult) -> dict[str, Any]:
    rules = list(result.rules)
    index = {rule.code: number for number, rule in enumerate(rules)}
    driver = {
        "name": "runbook-engine",
        "version": __version__,
        "informationUri": "https://runbook-engine.dev",
        "rules": [_rule(rule) for rule in rules],
    }
    results = [_result(finding, index) for finding in result.findings]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _rule(rule: RuleInfo) -> dict[str, Any]:
    level = LEVELS.get(rule.severity, "none")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.split("\n\n")[0] if rule.doc else rule.summary},
        "helpUri": f"{RULES_DOC}#{rule.code.lower()}",
        "help": {"text": rule.doc or rule.summary},
        "defaultConfiguration": {"level": level, "enabled": rule.severity is not Severity.OFF},
    }


def artifact_uri(path: str) -> str:
    """A relative URI reference for `path`: percent-encoded, so spaces, `#` and `%` stay valid."""
    return quote(Path(path).as_posix(), safe="/")


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    text = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(finding.path)},
            "region": {"startLine": finding.position.line, "startColumn": finding.position.column},
        }
    }
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": text},
        "locations": [location],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result
