"""`runbook drill`: run scripted drills against runbooks without a terminal, for CI and training.

Exit codes: 0 every drill passed (and coverage met the minimum), 1 a drill failed or coverage is
below `--min-coverage`, 2 a drill, runbook or policy could not be read (or a usage mistake).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_engine.cli.args import add_policy_option, emit, parser
from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError

if TYPE_CHECKING:
    from runbook_engine.format.model import Runbook
    from runbook_engine.policy import Policy


def build_parser(prog: str) -> argparse.ArgumentParser:
    p = parser(prog, "Run drills (scripted incident walks) and report which expectations failed.")
    p.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATHS",
        help="drill files, folders (drills/ folders and *.drill.yaml inside) or globs; default: .",
    )
    p.add_argument(
        "--format", choices=("text", "json", "junit", "github"), default="text", help="output format"
    )
    p.add_argument("-o", "--output", type=Path, default=None, help="write the report to this file")
    p.add_argument(
        "--coverage", action="store_true", help="report, per runbook, the nodes and edges no drill exercises"
    )
    p.add_argument(
        "--min-coverage",
        type=_percent,
        default=None,
        metavar="PCT",
        help="fail (exit 1) when a runbook's coverage is below PCT percent (implies --coverage)",
    )
    p.add_argument(
        "--runbooks",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="also look for runbooks here (repeatable)",
    )
    p.add_argument(
        "--new",
        type=Path,
        default=None,
        metavar="RUNBOOK",
        help="write a skeleton drill for each outcome of RUNBOOK into --to (existing files are kept)",
    )
    p.add_argument("--to", type=Path, default=Path("drills"), metavar="FOLDER", help="where --new writes")
    add_policy_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    if args.new is not None:
        return _new(args.new, args.to, args.policy)
    from runbook_engine.drill.coverage import library_coverage
    from runbook_engine.drill.library import run_paths
    from runbook_engine.drill.report import REPORTERS, DrillReport
    from runbook_engine.drill.result import ERROR

    missing = [path for path in args.paths if not _is_glob(path) and not Path(path).exists()]
    if missing:
        raise UsageError(f"no such file or folder: {' '.join(missing)}")
    found, library = run_paths(args.paths, args.runbooks, args.policy)
    if not found and args.min_coverage is None:
        print(
            f"no drills yet in {' '.join(args.paths)}: nothing to run. Drills live in a drills/ folder "
            "or beside their runbook as NAME.drill.yaml; `runbook drill --new RUNBOOK` writes skeletons."
        )
        return EXIT_OK
    results = tuple(found)
    wants_coverage = args.coverage or args.min_coverage is not None
    coverage = tuple(library_coverage(library.runbooks(), results)) if wants_coverage else None
    report = DrillReport(results, coverage, args.min_coverage)
    emit(args.output, lambda stream: REPORTERS[args.format](report, stream))
    if any(result.status == ERROR for result in results):
        return EXIT_USAGE
    failing = any(not r.passed for r in results) or any(report.coverage_failing(c) for c in coverage or ())
    return EXIT_FINDINGS if failing else EXIT_OK


def _is_glob(path: str) -> bool:
    return any(char in path for char in "*?[")


def _new(runbook_path: Path, folder: Path, policy_path: Path | None) -> int:
    """Write one skeleton per outcome, never over an existing file; say what was written."""
    from runbook_engine.format.library import load_runbook
    from runbook_engine.policy import PolicyError, load_policy

    runbook = load_runbook(runbook_path)
    try:
        policy = load_policy(policy_path)
    except PolicyError as exc:
        raise UsageError(str(exc)) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_templates(runbook, policy, folder)
    except OSError as exc:
        raise UsageError(f"cannot write drills into {folder}: {exc.strerror or exc}") from None
    return EXIT_OK


def _write_templates(runbook: Runbook, policy: Policy, folder: Path) -> None:
    from runbook_engine.drill.template import outcomes, skeleton
    from runbook_engine.format.loader import dump

    header = f"# yaml-language-server: $schema={_schema_link(folder)}\n"
    for goal in outcomes(runbook):
        data = skeleton(runbook, goal, policy)
        target = folder / f"{runbook.id}-{goal.id}.yaml"
        if data is None or target.exists():
            reason = "unreachable from the start" if data is None else "exists, kept"
            print(f"skipped {target}: {reason}")
            continue
        target.write_text(header + dump(data), encoding="utf-8")
        print(f"wrote {target}")


def _schema_link(folder: Path) -> str:
    from runbook_engine.resources import SCHEMAS_DIR

    schema = (SCHEMAS_DIR / "drill.schema.json").resolve()
    try:
        return os.path.relpath(schema, folder.resolve())
    except ValueError:  # another drive on Windows
        return schema.as_uri()


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 100")
    return value
