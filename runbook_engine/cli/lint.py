"""`runbook lint`: check runbook files, directories and globs; report in the format CI reads."""

from __future__ import annotations

import argparse
from pathlib import Path

from runbook_engine.cli.args import emit
from runbook_engine.cli.args import parser as new_parser
from runbook_engine.errors import EXIT_OK, UsageError
from runbook_engine.format.files import neighbour_folders
from runbook_engine.format.library import discover, not_a_runbook
from runbook_engine.lint.config import find_config, load_config
from runbook_engine.lint.docs import rules_markdown, rules_text
from runbook_engine.lint.documents import document_findings
from runbook_engine.lint.engine import lint_paths
from runbook_engine.lint.rules import names_to_codes
from runbook_engine.report import REPORTERS, reporter

LIST_FORMATS = ("text", "markdown")


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = new_parser(
        prog,
        "Validate and lint runbooks. Exit 0 clean, 1 errors (or warnings with --strict), "
        "2 usage error or unreadable input, 3 internal error.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="runbook files, directories or globs")
    parser.add_argument(
        "--format",
        "-f",
        default="text",
        choices=sorted({*REPORTERS, *LIST_FORMATS}),
        help="report format (default text; markdown only with --list-rules)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--config", type=Path, help="pyproject.toml or .runbook.yaml (default: nearest)")
    parser.add_argument("-o", "--output", type=Path, help="write the report to FILE instead of stdout")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument(
        "--min-drill-coverage",
        type=float,
        metavar="PCT",
        help="require drills beside the runbooks to cover PCT%% of each one's nodes and edges (RB401)",
    )
    parser.add_argument(
        "--check-documents",
        action="store_true",
        help="request every http(s) document and see_also the runbooks link to; report those that "
        "do not answer (RB210; goes to the network)",
    )
    parser.add_argument(
        "--document-timeout", type=float, default=5.0, metavar="S", help="seconds per document (default 5)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    if args.list_rules:
        return _list_rules(args)
    if args.format not in REPORTERS:
        hint = f"use one of: {', '.join(REPORTERS)}"
        raise UsageError(f"--format {args.format} is only for --list-rules", hint)
    if not args.paths:
        raise UsageError("no paths given", "e.g. `runbook lint runbooks/`")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.min_drill_coverage is not None and not 0 <= args.min_drill_coverage <= 100:
        raise UsageError("--min-drill-coverage takes a percentage from 0 to 100")
    config = load_config(args.config or find_config(Path.cwd()), names_to_codes())
    files = discover(args.paths)
    if not files:
        raise _nothing_to_lint(args.paths)
    result = lint_paths(files, config, library=neighbour_folders(files), jobs=args.jobs)
    minimum = args.min_drill_coverage if args.min_drill_coverage is not None else config.min_drill_coverage
    if minimum is not None:
        # Imported here: drills pull in the walk and the timeline, which a plain lint never needs.
        from runbook_engine.drill.lint_coverage import coverage_findings

        result = result.with_findings(coverage_findings(files, minimum))
    if args.check_documents:
        if args.document_timeout <= 0:
            raise UsageError("--document-timeout must be more than 0 seconds")
        result = result.with_findings(document_findings(files, args.document_timeout))
    emit(args.output, lambda stream: reporter(args.format).write(result, stream))
    return result.exit_code(strict=args.strict)


def _nothing_to_lint(paths: list[str]) -> UsageError:
    named = [Path(path) for path in paths]
    if len(named) == 1 and named[0].is_file():
        return UsageError(*not_a_runbook(named[0]))
    return UsageError(f"no runbook files in {' '.join(paths)}", "runbooks end in .yaml or .yml")


def _list_rules(args: argparse.Namespace) -> int:
    if args.format not in LIST_FORMATS:
        raise UsageError(f"--list-rules writes {' or '.join(LIST_FORMATS)}, not {args.format}")
    text = rules_markdown() if args.format == "markdown" else rules_text()
    emit(args.output, lambda stream: stream.write(text))
    return EXIT_OK
