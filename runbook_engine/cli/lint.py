"""`runbook lint`: check runbook files, directories and globs; report in the format CI reads."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from runbook_engine.errors import EXIT_OK, UsageError
from runbook_engine.library import discover, neighbours
from runbook_engine.lint.config import find_config, load_config
from runbook_engine.lint.docs import rules_markdown, rules_text
from runbook_engine.lint.engine import lint_paths
from runbook_engine.lint.rules import names_to_codes
from runbook_engine.report import REPORTERS, reporter

LIST_FORMATS = ("text", "markdown")


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Validate and lint runbooks. Exit 0 clean, 1 errors (or warnings with --strict), "
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
    config = load_config(args.config or find_config(Path.cwd()), names_to_codes())
    files = discover(args.paths)
    if not files:
        raise UsageError(f"no runbook files in {' '.join(args.paths)}", "runbooks end in .yaml or .yml")
    result = lint_paths(files, config, library=neighbours(files), jobs=args.jobs)
    _emit(args.output, lambda stream: reporter(args.format).write(result, stream))
    return result.exit_code(strict=args.strict)


def _list_rules(args: argparse.Namespace) -> int:
    if args.format not in LIST_FORMATS:
        raise UsageError(f"--list-rules writes {' or '.join(LIST_FORMATS)}, not {args.format}")
    text = rules_markdown() if args.format == "markdown" else rules_text()
    _emit(args.output, lambda stream: stream.write(text))
    return EXIT_OK


def _emit(output: Path | None, write: Callable[[TextIO], object]) -> None:
    if output is None:
        write(sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8") as stream:
            write(stream)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
