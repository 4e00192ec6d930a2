"""Finding runbook files and loading a runbook that is fit to walk or render."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from runbook_engine.errors import InputError
from runbook_engine.findings import Finding, Severity
from runbook_engine.format.files import is_runbook_file, neighbour_folders, runbook_names
from runbook_engine.format.loader import Document, LoadError, load_path
from runbook_engine.format.model import Runbook, runbook_from_data
from runbook_engine.lint.config import LintConfig
from runbook_engine.lint.engine import lint_document
from runbook_engine.lint.rules import BLOCKING


class RunbookInvalid(InputError):
    """A runbook that cannot be used; `findings` say exactly where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        findings = sorted(findings, key=Finding.sort_key)
        first, *others = findings
        super().__init__(_located(first), first.hint, tuple(map(_located, others)))
        self.findings = findings


def _located(finding: Finding) -> str:
    where = f"{finding.path}:{finding.position.line}:{finding.position.column}"
    return f"{where}: {finding.code} {finding.message}"


def discover(targets: Iterable[str]) -> list[Path]:
    """Runbook files named by paths, directories (searched recursively) and glob patterns.

    A path that does not exist is kept, so the linter reports it as unreadable.
    """
    found: dict[Path, None] = {}
    for target in targets:
        matches = _expand(target)
        for match in matches:
            if match.is_dir():
                found.update(dict.fromkeys(p for p in sorted(match.rglob("*")) if _wanted(p)))
            elif not match.exists() or is_runbook_file(match):
                found[match] = None
    return list(found)


def neighbours(files: Iterable[Path]) -> list[Path]:
    """Runbook files in the folders of `files` (not below them): where cross-links usually point.

    One directory listing per folder, without a stat per file: a folder may hold thousands.
    """
    return [folder / name for folder in neighbour_folders(files) for name in runbook_names(folder)]


def load_runbook(path: str | Path) -> Runbook:
    """Load a runbook fit to walk; raises RunbookInvalid with positioned findings."""
    return runbook_from_data(checked_document(path).data, str(path))


def checked_document(path: str | Path) -> Document:
    """The loaded file of a runbook fit to walk; raises RunbookInvalid with positioned findings.

    Runs the linter's blocking checks (loader, schema, unknown start, dangling references, owner,
    severity) with their default severities, so `lint` and `walk` never disagree about them.
    """
    name = str(path)
    try:
        document = load_path(path)
    except LoadError as exc:
        raise RunbookInvalid([Finding(name, exc.position, exc.code, exc.message, exc.hint)]) from None
    outcome = lint_document(document, LintConfig(), codes=BLOCKING)
    errors = [finding for finding in outcome.findings if finding.severity is Severity.ERROR]
    if errors:
        raise RunbookInvalid(errors)
    return document


def _expand(target: str) -> list[Path]:
    """A glob's matches (sorted), or the path itself; the fixed leading folders may hold `..`."""
    parts = Path(target).parts
    magic = next((i for i, part in enumerate(parts) if any(c in part for c in "*?[")), None)
    if magic is None:
        return [Path(target)]
    root = Path(*parts[:magic]) if magic else Path()
    return sorted(root.glob(str(Path(*parts[magic:]))))


def _wanted(path: Path) -> bool:
    return path.is_file() and is_runbook_file(path)
