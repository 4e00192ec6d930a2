"""Machine-readable findings: one JSON document with the files, a summary and every finding."""

from __future__ import annotations

import json
from typing import Any, TextIO

from runbook_engine.findings import Finding
from runbook_engine.lint.result import LintResult

FORMAT_VERSION = 1


class JsonReporter:
    def write(self, result: LintResult, stream: TextIO) -> None:
        document = {
            "version": FORMAT_VERSION,
            "files": list(result.files),
            "summary": {"errors": result.errors, "warnings": result.warnings, "files": len(result.files)},
            "findings": [finding_dict(finding) for finding in result.findings],
        }
        json.dump(document, stream, indent=2, ensure_ascii=False)
        stream.write("\n")


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.position.line,
        "column": finding.position.column,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "node": finding.node,
    }
