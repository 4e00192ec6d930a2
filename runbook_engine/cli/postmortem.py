"""`runbook postmortem ID [-o FILE.md]`: draft the postmortem from an incident's timeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from runbook_engine.cli.args import emit
from runbook_engine.cli.incident_context import add_common_options, open_service
from runbook_engine.errors import EXIT_OK
from runbook_engine.postmortem import render_postmortem


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Draft a postmortem (Markdown) from an incident's timeline."
    )
    parser.add_argument("incident", metavar="ID")
    parser.add_argument("-o", "--output", type=Path, default=None, help="Markdown file (default stdout)")
    add_common_options(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    service = open_service(args)
    try:
        state = service.state(args.incident)
        text = render_postmortem(service.events(args.incident), state, service.policy, service.clock.now())
    finally:
        service.store.close()
    emit(args.output, lambda stream: stream.write(text))
    if args.output is not None:
        print(f"wrote the postmortem draft of {args.incident} to {args.output}")
    return EXIT_OK
