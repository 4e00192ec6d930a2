"""`runbook postmortem ID [-o FILE.md]`: draft the postmortem from an incident's timeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from runbook_engine.cli.args import add_common_options, emit
from runbook_engine.cli.incident_context import open_service
from runbook_engine.cli.integrity import add_allow_broken, checked_events, markdown_banner
from runbook_engine.errors import EXIT_OK
from runbook_engine.postmortem import render_postmortem


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Draft a postmortem (Markdown) from an incident's timeline."
    )
    parser.add_argument("incident", metavar="ID")
    parser.add_argument("-o", "--output", type=Path, default=None, help="Markdown file (default stdout)")
    add_common_options(parser)
    add_allow_broken(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    service = open_service(args)
    try:
        broken, events = checked_events(service.store, args.incident, args.allow_broken)
        state = service.state(args.incident)
        text = render_postmortem(events, state, service.policy, service.clock.now())
        text = markdown_banner(args.incident, broken) + text
    finally:
        service.store.close()
    emit(args.output, lambda stream: stream.write(text))
    if args.output is not None:
        print(f"wrote the postmortem draft of {args.incident} to {args.output}")
    return EXIT_OK
