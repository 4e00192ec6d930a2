"""`runbook policy check`: validate a severity policy file the way every incident command reads it."""

from __future__ import annotations

import argparse
from pathlib import Path

from runbook_engine.cli import args as common
from runbook_engine.errors import EXIT_OK, InputError
from runbook_engine.policy import PolicyError, load_policy
from runbook_engine.resources import DEFAULT_POLICY


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = common.parser(prog, "Check a severity policy file (exit 0 valid, 2 invalid or unreadable).")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = sub.add_parser("check", help="validate a policy file", description="Validate a policy file.")
    check.add_argument("policy", type=Path, nargs="?", default=None,
                       help="the policy file (default: the bundled policy)")
    return parser


def run(args: argparse.Namespace) -> int:
    path = args.policy or DEFAULT_POLICY
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        raise InputError(str(exc), "fix the fields named above; docs/incident.md describes each") from None
    print(f"{path}: valid policy with severities {', '.join(policy.severities)}")
    return EXIT_OK
