"""`runbook docs`: write a wiki-ready folder for a runbook library (index, pages, diagrams, map)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runbook_engine.cli import args as common
from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = common.parser(
        prog,
        "Write a folder of Markdown pages and SVG diagrams for a runbook library that GitHub and "
        "GitLab wikis and MkDocs show as is. Unchanged runbooks are not rendered again.",
    )
    parser.add_argument(
        "runbooks_dir",
        type=Path,
        metavar="RUNBOOKS_DIR",
        help="folder of runbooks (searched recursively; drills/ is skipped)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="SITE_DIR",
        help="folder to write the site into (created if missing)",
    )
    parser.add_argument(
        "--diagrams",
        choices=("svg", "mermaid"),
        default="svg",
        help="svg images drawn with dot (default) or Mermaid code blocks",
    )
    parser.add_argument("--direction", choices=("TB", "LR"), default="TB")
    parser.add_argument(
        "--links",
        choices=("files", "wiki"),
        default="files",
        help="files: page links end in .md, for MkDocs and repository browsers (default); "
        "wiki: page names without .md, for GitHub and GitLab wikis",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from runbook_engine.render.site import SiteOptions, build_site

    options = SiteOptions(args.diagrams, args.direction, args.links)
    report = build_site(args.runbooks_dir, args.output, options)
    for problem in report.problems:
        sys.stderr.write(f"runbook docs: {problem.message}\n")
        if problem.hint:
            sys.stderr.write(f"  hint: {problem.hint}\n")
    print(
        f"{args.output}: {len(report.rendered)} rendered, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.problems)} skipped"
    )
    return EXIT_FINDINGS if report.problems else EXIT_OK
