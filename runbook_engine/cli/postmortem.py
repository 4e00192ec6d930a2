"""`runbook postmortem ID [-o FILE.md]`: draft the postmortem from an incident's timeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runbook_engine.cli.incident_context import add_common_options, open_service
from runbook_engine.errors import EXIT_OK, InputError
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
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write the postmortem: {exc.strerror}") from None
    print(f"wrote the postmortem draft of {args.incident} to {args.output}")
    return EXIT_OK
