"""Finding runbook files and loading a runbook that is fit to walk or render."""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from runbook_engine.errors import InputError
from runbook_engine.findings import Finding, Severity
from runbook_engine.loader import LoadError, load_path
from runbook_engine.model import Runbook, runbook_from_data
from runbook_engine.schema import schema_issues

YAML_SUFFIXES = (".yaml", ".yml")
NOT_RUNBOOKS = frozenset({"policy.yaml", "policy.yml", ".runbook.yaml", ".pre-commit-hooks.yaml"})
"""Files that live beside runbooks but are not runbooks (drills live under a `drills/` folder)."""


class RunbookInvalid(InputError):
    """A runbook that cannot be used; `findings` say exactly where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        first = findings[0]
        super().__init__(
            f"{first.path}:{first.position.line}:{first.position.column}: {first.code} {first.message}",
            first.hint,
        )
        self.findings = findings


def is_runbook_file(path: Path) -> bool:
    return (
        path.suffix in YAML_SUFFIXES
        and path.name not in NOT_RUNBOOKS
        and "drills" not in path.parts
    )


def discover(targets: Iterable[str]) -> list[Path]:
    """Runbook files named by paths, directories (searched recursively) and glob patterns."""
    found: dict[Path, None] = {}
    for target in targets:
        matches = [Path(p) for p in sorted(glob.glob(target, recursive=True))] or [Path(target)]
        for match in matches:
            if match.is_dir():
                found.update(
                    dict.fromkeys(p for p in sorted(match.rglob("*")) if p.is_file() and is_runbook_file(p))
                )
            else:
                found[match] = None
    return list(found)


def load_runbook(path: str | Path) -> Runbook:
    """Load a runbook that passes its schema; raises RunbookInvalid with positioned findings."""
    name = str(path)
    try:
        document = load_path(path)
    except LoadError as exc:
        finding = Finding(name, exc.position, exc.code, exc.message, exc.hint)
        raise RunbookInvalid([finding]) from None
    issues = schema_issues(document.data)
    if issues:
        findings = [
            Finding(name, document.locate(i.path, key=i.key), "RB100", i.message, i.hint, Severity.ERROR)
            for i in issues
        ]
        raise RunbookInvalid(findings)
    return runbook_from_data(document.data, name)
