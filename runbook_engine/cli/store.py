"""`runbook store init|copy|check`: set up a team store, move incidents between stores, check one."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from runbook_engine.cli.args import add_policy_option
from runbook_engine.cli.args import parser as new_parser
from runbook_engine.cli.incident_context import policy_of
from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from runbook_engine.timeline import locate
from runbook_engine.timeline.pg_db import describe, is_url
from runbook_engine.timeline.safeguards import Finding, Level, problems

_MARKS = {Level.OK: "ok", Level.WARNING: "WARNING", Level.PROBLEM: "PROBLEM"}


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = new_parser(prog, "Set up a team store on PostgreSQL, move incidents between stores, check one.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = sub.add_parser(
        "init", help="create or upgrade a team store's schema (run as the database's owner)"
    )
    init.add_argument("url", metavar="URL", help="postgresql://owner@host/database")
    copy = sub.add_parser("copy", help="copy incidents from one store to another, verifying both chains")
    copy.add_argument("source", metavar="FROM", help="a SQLite file or a postgresql:// URL")
    copy.add_argument("target", metavar="TO", help="a SQLite file or a postgresql:// URL")
    copy.add_argument(
        "--incident", action="append", default=[], metavar="ID", help="only this one (repeatable)"
    )
    add_policy_option(copy)
    check = sub.add_parser("check", help="report a team store's version, grants, triggers and connectivity")
    check.add_argument("url", metavar="URL")
    return parser


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](args)


def _init(args: argparse.Namespace) -> int:
    from runbook_engine.timeline.pg_db import connect, server_errors
    from runbook_engine.timeline.pg_schema import current_version, migrate

    url = _team_url(args.url)
    with connect(url) as conn, server_errors(url):
        applied = migrate(conn)
        version = current_version(conn)
    names = ", ".join(f"{m.version:04d} {m.name}" for m in applied)
    done = f"applied {names}" if applied else "nothing to do"
    print(f"team store at {describe(url)}: schema version {version} ({done})")
    return EXIT_OK


def _copy(args: argparse.Namespace) -> int:
    from runbook_engine.timeline.store_copy import copy_incidents

    policy = policy_of(args)
    with (
        locate.open_store(args.source, policy) as source,
        locate.open_store(args.target, policy, create=True) as target,
    ):
        results = copy_incidents(source, target, args.incident)
    for result in results:
        print(f"{result.incident_id}: {result.outcome}: {result.detail}")
    refused = [result for result in results if not result.ok]
    print(f"{len(results) - len(refused)} of {len(results)} incidents in {locate.shown(args.target)}")
    return EXIT_FINDINGS if refused else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from runbook_engine.timeline.pg_check import check

    findings = check(_team_url(args.url))
    for finding in findings:
        print(report_line(finding))
    return EXIT_FINDINGS if problems(findings) else EXIT_OK


def report_line(finding: Finding) -> str:
    line = f"{_MARKS[finding.level]:7}  {finding.topic}: {finding.detail}"
    return line + (f"\n         -> {finding.hint}" if finding.hint and finding.level is not Level.OK else "")


def _team_url(location: str) -> str:
    if not is_url(location):
        raise UsageError(
            f"{location!r} is not a postgresql:// URL",
            "a SQLite store needs no setting up: it is created when an incident is first opened",
        )
    return location


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {"init": _init, "copy": _copy, "check": _check}
