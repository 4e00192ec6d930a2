"""The lint engine: runs the rules over files, then adds codes, severities, positions and suppressions.

Each file is loaded, checked and dropped; only its findings and a small index entry (id, node ids,
links) survive, so memory stays flat however large the library. Many files are spread over worker
processes. Rules that span the library run last, over the index.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from runbook_engine.findings import Finding, Issue, Severity
from runbook_engine.format.loader import Document, LoadError, load_path, load_text
from runbook_engine.format.schema import fast_check
from runbook_engine.frozen import frozen
from runbook_engine.gc_pause import gc_paused
from runbook_engine.lint.config import LintConfig
from runbook_engine.lint.context import RunbookContext, suppressed_codes
from runbook_engine.lint.index import IndexEntry, Located, index_entry
from runbook_engine.lint.result import LintResult
from runbook_engine.lint.rules import ALL_CODES, LIBRARY_RULES, RUNBOOK_RULES, catalog

PARALLEL_MIN_FILES = 64
"""Below this many files a worker pool costs more than it saves."""
CHUNK = 16


@frozen
class FileOutcome:
    """What linting one file leaves behind."""

    findings: tuple[Finding, ...]
    entry: IndexEntry | None = None


def lint_paths(
    paths: Sequence[Path],
    config: LintConfig | None = None,
    *,
    library: Sequence[Path] = (),
    jobs: int | None = None,
) -> LintResult:
    """Lint `paths` as one library; runbooks in the `library` folders only resolve links."""
    config = config or LintConfig()
    files = [path for path in paths if not config.ignores(path)]
    findings: list[Finding] = []
    entries: list[IndexEntry] = []
    for outcome in _outcomes(files, config, jobs):
        findings.extend(outcome.findings)
        if outcome.entry is not None:
            entries.append(outcome.entry)
    findings.extend(library_findings(entries, config, _extra_entries(entries, files, library)))
    return LintResult(tuple(map(str, files)), tuple(sorted(findings, key=Finding.sort_key)), catalog())


def lint_file(path: Path, config: LintConfig) -> FileOutcome:
    # A file's thousands of parser nodes are acyclic and freed by reference counting, so collector
    # passes over them are pure cost. They are freed before the collector resumes: it counts
    # allocations even while paused, and resuming with the document alive ran a pass over all of
    # it at once (~0.3 ms a file).
    with gc_paused():
        try:
            document = load_path(path)
        except LoadError as exc:
            return FileOutcome((_load_finding(str(path), exc),))
        outcome = lint_document(document, config)
        del document
    return outcome


def lint_source(text: str, name: str = "<string>", config: LintConfig | None = None) -> list[Finding]:
    """Lint YAML text as a library of one runbook (what rule tests use)."""
    config = config or LintConfig()
    try:
        outcome = lint_document(load_text(text, name), config)
    except LoadError as exc:
        return [_load_finding(name, exc)]
    entries = [outcome.entry] if outcome.entry else []
    extra = list(library_findings(entries, config))
    return sorted([*outcome.findings, *extra], key=Finding.sort_key)


def lint_document(
    document: Document,
    config: LintConfig,
    codes: Collection[str] | None = None,
) -> FileOutcome:
    """Run the runbook rules (all, or only `codes`) over one loaded document."""
    ctx = RunbookContext(document, ALL_CODES)
    findings: list[Finding] = []
    for code, rule in RUNBOOK_RULES.items():
        severity = config.severity(code, rule.SEVERITY)
        if severity is Severity.OFF or (codes is not None and code not in codes):
            continue
        for issue in rule.check(ctx):
            finding = _finding(ctx, code, severity, issue)
            if finding is not None:
                findings.append(finding)
    entry = index_entry(ctx) if isinstance(document.data, dict) else None
    return FileOutcome(tuple(findings), entry)


def library_findings(
    entries: Sequence[IndexEntry], config: LintConfig, extra: Iterable[IndexEntry] = ()
) -> Iterator[Finding]:
    """Findings of the rules that span the library; `extra` entries only resolve links."""
    linted = {entry.path for entry in entries}
    everything = [*entries, *extra]
    for code, rule in LIBRARY_RULES.items():
        severity = config.severity(code, rule.SEVERITY)
        if severity is Severity.OFF:
            continue
        for located in rule.check(everything):
            if located.path in linted:
                yield _located_finding(located, code, severity)


def _outcomes(files: Sequence[Path], config: LintConfig, jobs: int | None) -> Iterator[FileOutcome]:
    workers = min(jobs or _cpus(), max(1, len(files) // CHUNK))
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        yield from (lint_file(path, config) for path in files)
        return
    # Imported here: a worker pool is only for large runs, and walk and render load one runbook.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    fast_check("runbook")  # compiled once here: forked workers inherit it instead of each compiling
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(partial(lint_file, config=config), files, chunksize=CHUNK)


def _cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def _extra_entries(
    entries: Sequence[IndexEntry], files: Sequence[Path], library: Sequence[Path]
) -> Iterator[IndexEntry]:
    """Index entries of the library folders' runbooks, only when some link leaves the linted files."""
    known = {entry.id for entry in entries}
    linked = {ref.link.runbook for entry in entries for ref in entry.links}
    if linked <= known:
        return
    from runbook_engine.lint.index_cache import library_entries  # only when a link leaves the run

    # Only runbooks with these ids can change a finding on a linted file (RB206, RB207).
    yield from library_entries(library, linked | known, skip=files)


def _finding(ctx: RunbookContext, code: str, severity: Severity, issue: Issue) -> Finding | None:
    node = issue.node or _node_of(issue)
    if node is not None and _suppressed(ctx, node, code):
        return None
    position = ctx.document.locate(issue.path, key=issue.key)
    return Finding(ctx.document.path, position, code, issue.message, issue.hint, severity, node)


def _node_of(issue: Issue) -> str | None:
    path = issue.path
    return str(path[1]) if len(path) >= 2 and path[0] == "nodes" else None


def _suppressed(ctx: RunbookContext, node_id: str, code: str) -> bool:
    node = ctx.runbook.nodes.get(node_id)
    return node is not None and code in suppressed_codes(node)


def _located_finding(located: Located, code: str, severity: Severity) -> Finding:
    where = located.position
    return Finding(located.path, where, code, located.message, located.hint, severity, located.node)


def _load_finding(path: str, exc: LoadError) -> Finding:
    return Finding(path, exc.position, exc.code, exc.message, exc.hint, Severity.ERROR)
