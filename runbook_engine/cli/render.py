"""`runbook render`: draw one runbook as SVG, PNG, PDF, DOT or Mermaid, optionally with an incident's path."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_engine.cli import args as common
from runbook_engine.errors import UsageError
from runbook_engine.format.model import Runbook
from runbook_engine.render.dot import DotOptions
from runbook_engine.render.formats import FORMATS, SUFFIXES, TEXT_FORMATS, RenderRequest, guess_format

if TYPE_CHECKING:
    from runbook_engine.render.overlay import Overlay


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = common.parser(
        prog,
        "Draw a runbook's decision graph. svg, png and pdf need graphviz's `dot`; "
        "dot and mermaid are plain text and work without it.",
    )
    parser.add_argument("runbook", type=Path, help="the runbook file (YAML)")
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: from the -o suffix, else svg)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write here instead of standard output"
    )
    parser.add_argument(
        "--direction", choices=("TB", "LR"), default="TB", help="top to bottom (default) or left to right"
    )
    parser.add_argument(
        "--incident",
        metavar="ID",
        default=None,
        help="overlay the path this incident took (numbered, with times)",
    )
    common.add_store_option(parser)
    parser.add_argument("--no-legend", action="store_true", help="leave the legend out")
    parser.add_argument("--no-clusters", action="store_true", help="do not box each cause's branch")
    return parser


def run(args: argparse.Namespace) -> int:
    fmt = args.format or guess_format(args.output)
    if fmt is None:
        known = ", ".join(sorted(SUFFIXES))
        raise UsageError(
            f"{args.output}: cannot tell the format from the suffix {args.output.suffix!r}",
            f"name the file with one of {known}, or choose one with -f {{{','.join(FORMATS)}}}",
        )
    if args.output is None and fmt not in TEXT_FORMATS and fmt != "svg" and sys.stdout.isatty():
        raise UsageError(f"{fmt} is binary and standard output is a terminal", "add -o FILE")
    from runbook_engine.format.validation_cache import load_validated

    runbook = load_validated(args.runbook)
    overlay = _overlay(runbook, args.incident, args.store) if args.incident else None
    options = DotOptions(args.direction, not args.no_legend, not args.no_clusters)
    from runbook_engine.render.formats import render_runbook

    data = render_runbook(runbook, RenderRequest(fmt, options, overlay))
    _write(data, args.output)
    if overlay is not None and overlay.unknown:
        sys.stderr.write(
            f"runbook render: the incident visited nodes this runbook no longer has: "
            f"{', '.join(overlay.unknown)}\n"
        )
    return 0


def _overlay(runbook: Runbook, incident: str, store: str) -> Overlay:
    from runbook_engine.render.incident import incident_steps
    from runbook_engine.render.overlay import build_overlay

    return build_overlay(incident, runbook, incident_steps(store, incident, runbook.id))


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
