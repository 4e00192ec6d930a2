"""Finding drill files, the runbooks they name and the policy they run under; running them all.

A drill lives in a `drills/` folder (beside the runbooks' folder) or beside its runbook as
`NAME.drill.yaml`. Its `runbook` is a path when it ends in .yaml, else an id looked up among the
runbooks of the drill's folder and the folder above it (plus any `--runbooks` folders).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from runbook_engine.findings import Finding, Position
from runbook_engine.format.files import DRILL_SUFFIXES
from runbook_engine.format.library import RunbookInvalid, is_runbook_file, load_runbook
from runbook_engine.format.loader import LoadError, load_path
from runbook_engine.format.model import Runbook
from runbook_engine.policy import Policy, PolicyError, load_policy

from .coverage import RunbookCoverage, below, library_coverage
from .model import Drill
from .parse import DrillInvalid, load_drill
from .result import DrillResult, error_result
from .runner import run_drill


def is_drill_file(path: Path) -> bool:
    if path.name.endswith(DRILL_SUFFIXES):
        return True
    return path.suffix in (".yaml", ".yml") and "drills" in path.parent.parts


def discover_drills(targets: Iterable[str]) -> list[Path]:
    """Drill files named by paths, folders (searched recursively) and glob patterns."""
    found: dict[Path, None] = {}
    for target in targets:
        pattern = glob.glob(target, recursive=True)  # noqa: PTH207 - absolute patterns and ** too
        matches = [Path(p) for p in sorted(pattern)] or [Path(target)]
        for match in matches:
            if match.is_dir():
                inside = _files_under(match)
                found.update(dict.fromkeys(p for p in inside if is_drill_file(_relative(p, match))))
            else:
                found[match] = None
    return list(found)


SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
"""Folders never searched for drills, besides hidden ones (.git, .venv, ...)."""


def _files_under(root: Path) -> list[Path]:
    """Every file below `root`, sorted, without descending into hidden or tool folders."""
    files: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS]
        files.extend(Path(folder) / name for name in names)
    return sorted(files)


def _relative(path: Path, root: Path) -> Path:
    """Judge a file by its place under the folder given, plus that folder's own name."""
    return Path(root.resolve().name) / path.relative_to(root)


@dataclass
class Library:
    """Runbooks by id from the folders searched so far, loaded once each."""

    extra_dirs: Sequence[Path] = ()
    by_id: dict[str, Runbook] = field(default_factory=dict)
    broken: dict[Path, RunbookInvalid] = field(default_factory=dict)
    broken_ids: dict[str, Path] = field(default_factory=dict)
    """The `id` each runbook that does not lint declares, so a drill of it is told why."""
    _scanned: set[Path] = field(default_factory=set)

    def scan(self, folder: Path) -> None:
        folder = folder.resolve()
        if folder in self._scanned or not folder.is_dir():
            return
        self._scanned.add(folder)
        for path in sorted(folder.iterdir()):
            if path.is_file() and is_runbook_file(path, folder):
                self._load(path)

    def _load(self, path: Path) -> Runbook | None:
        try:
            runbook = load_runbook(path)
        except RunbookInvalid as exc:
            self.broken[path.resolve()] = exc
            self.broken_ids.setdefault(_declared_id(path), path)
            return None
        self.by_id.setdefault(runbook.id, runbook)
        return runbook

    def find(self, drill: Drill) -> Runbook:
        """The runbook a drill walks; raises RunbookInvalid with a positioned finding if none."""
        here = Path(drill.path).parent
        if drill.runbook.endswith((".yaml", ".yml")):
            runbook = load_runbook(os.path.normpath(here / drill.runbook))
            self.by_id.setdefault(runbook.id, runbook)
            return runbook
        for folder in (here, here.parent, *self.extra_dirs):
            self.scan(folder)
            if drill.runbook in self.by_id:
                return self.by_id[drill.runbook]
        if drill.runbook in self.broken_ids:
            raise _does_not_lint(drill, self.broken_ids[drill.runbook], self.broken)
        message = f"no runbook with id {drill.runbook!r} beside the drill or in the folder above"
        hint = "name it by path (runbook: ../NAME.yaml) or pass --runbooks FOLDER"
        raise RunbookInvalid([Finding(drill.path, Position(), "DR200", message, hint)])

    def runbooks(self) -> list[Runbook]:
        return sorted(self.by_id.values(), key=lambda runbook: runbook.id)


def _declared_id(path: Path) -> str:
    """The id a runbook file declares, or "" when it cannot even be loaded."""
    try:
        data = load_path(path).data
    except LoadError:
        return ""
    return str(data.get("id", ""))


def _does_not_lint(drill: Drill, path: Path, broken: dict[Path, RunbookInvalid]) -> RunbookInvalid:
    findings = broken[path.resolve()].findings
    message = f"runbook {drill.runbook!r} ({path}) does not lint: {len(findings)} error(s), listed below"
    hint = f"fix the runbook (`runbook lint {path}`); the drill runs once it lints"
    return RunbookInvalid([Finding(drill.path, Position(), "DR202", message, hint), *findings])


@dataclass
class Policies:
    """The default policy and any per-drill policy files, each loaded once."""

    default_path: Path | None = None
    _loaded: dict[Path | None, Policy] = field(default_factory=dict)

    def for_drill(self, drill: Drill) -> Policy:
        path = Path(drill.path).parent / drill.scenario.policy if drill.scenario.policy else self.default_path
        if path not in self._loaded:
            self._loaded[path] = load_policy(path)
        return self._loaded[path]


def run_one(path: Path, library: Library, policies: Policies) -> DrillResult:
    """Load and run one drill file; unreadable drills, runbooks or policies give an error result."""
    try:
        drill = load_drill(path)
    except DrillInvalid as exc:
        return error_result(str(path), exc.findings)
    try:
        runbook = library.find(drill)
    except RunbookInvalid as exc:
        return error_result(str(path), exc.findings, drill.id, drill.runbook)
    try:
        policy = policies.for_drill(drill)
    except PolicyError as exc:
        finding = Finding(str(path), Position(), "DR201", str(exc), "fix the policy file")
        return error_result(str(path), [finding], drill.id, runbook.id)
    return run_drill(drill, runbook, policy)


def run_paths(
    targets: Iterable[str], runbook_dirs: Sequence[Path] = (), policy: Path | None = None
) -> tuple[list[DrillResult], Library]:
    """Run every drill found under `targets`; the library holds every runbook seen (for coverage)."""
    library = Library(extra_dirs=tuple(runbook_dirs))
    policies = Policies(policy)
    results = [run_one(path, library, policies) for path in discover_drills(targets)]
    for folder in runbook_dirs:
        library.scan(folder)
    return results, library


def coverage_shortfalls(
    folders: Sequence[Path], minimum: float, policy: Path | None = None
) -> list[RunbookCoverage]:
    """Runbooks in `folders` whose drill coverage is under `minimum` percent.

    The one call a linter needs to require a coverage minimum: it runs the drills found under
    the folders and judges every runbook in them, drilled or not.
    """
    results, library = run_paths([str(folder) for folder in folders], folders, policy)
    return below(library_coverage(library.runbooks(), results), minimum)
