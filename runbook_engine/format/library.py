"""Finding runbook files and loading a runbook that is fit to walk or render."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from runbook_engine.errors import InputError
from runbook_engine.findings import Finding, Severity
from runbook_engine.format.files import (
    DRILL_SUFFIXES,
    NOT_RUNBOOKS,
    YAML_SUFFIXES,
    neighbour_folders,
    runbook_names,
)
from runbook_engine.format.loader import Document, LoadError, load_bytes, load_path
from runbook_engine.format.model import Runbook, runbook_from_data
from runbook_engine.gc_pause import gc_paused
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


def is_runbook_file(path: Path, root: Path | None = None) -> bool:
    """Whether `path` is a runbook, judged by its name and the folders below `root`.

    Only folders under the searched `root` can make a file a drill (`drills/`): a checkout that
    happens to sit in `/x/drills/team/runbooks` still holds runbooks. A file named on its own is
    judged by its own folder, or by its relative path as given (how pre-commit passes files).
    """
    return (
        path.suffix in YAML_SUFFIXES
        and path.name not in NOT_RUNBOOKS
        and "drills" not in _folders_below(path, root)
        and not path.name.endswith(DRILL_SUFFIXES)
    )


def not_a_runbook(path: Path) -> tuple[str, str]:
    """Why a file named on the command line was not taken as a runbook, and what to do instead."""
    if path.name in ("policy.yaml", "policy.yml"):
        return f"{path} is the severity policy, not a runbook", f"check it with `runbook policy check {path}`"
    if path.name in (".runbook.yaml", ".runbook.yml"):
        return f"{path} is lint configuration, not a runbook", "lint reads it from the folder it lints"
    if path.name == ".pre-commit-hooks.yaml":
        return f"{path} lists pre-commit hooks, not a runbook", "lint the runbooks folder instead"
    if path.suffix in YAML_SUFFIXES:
        return f"{path} is a drill, not a runbook", f"run it with `runbook drill {path}`"
    return f"{path} is not a runbook file", "runbooks end in .yaml or .yml"


def _folders_below(path: Path, root: Path | None) -> tuple[str, ...]:
    if root is not None:
        try:
            return path.relative_to(root).parts[:-1]
        except ValueError:
            pass
    return path.parts[:-1] if not path.is_absolute() else (path.parent.name,)


def discover(targets: Iterable[str]) -> list[Path]:
    """Runbook files named by paths, directories (searched recursively) and glob patterns.

    A path that does not exist is kept, so the linter reports it as unreadable.
    """
    found: dict[Path, None] = {}
    for target in targets:
        matches = _expand(target)
        for match in matches:
            if match.is_dir():
                found.update(dict.fromkeys(p for p in sorted(match.rglob("*")) if _wanted(p, match)))
            elif not match.exists() or is_runbook_file(match):
                found[match] = None
    return list(found)


def neighbours(files: Iterable[Path]) -> list[Path]:
    """Runbook files in the folders of `files` (not below them): where cross-links usually point."""
    return [folder / name for folder in neighbour_folders(files) for name in runbook_names(folder)]


def load_runbook(path: str | Path) -> Runbook:
    """Load a runbook fit to walk; raises RunbookInvalid with positioned findings."""
    return runbook_from_data(checked_document(path).data, str(path))


def checked_document(path: str | Path, raw: bytes | None = None) -> Document:
    """The loaded file of a runbook fit to walk; raises RunbookInvalid with positioned findings.

    Runs the linter's blocking checks (loader, schema, unknown start, dangling references, owner,
    severity) with their default severities, so `lint` and `walk` never disagree about them.
    `raw`: the file's bytes when the caller read them already (a validation marker is keyed by
    them, so the bytes checked must be those, not whatever the file holds a moment later).
    """
    name = str(path)
    with gc_paused():
        try:
            document = load_path(path) if raw is None else load_bytes(raw, name)
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


def _wanted(path: Path, root: Path) -> bool:
    return path.is_file() and is_runbook_file(path, root)
