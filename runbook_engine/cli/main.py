"""Entry point of `runbook`: picks the subcommand module by name and imports only that one.

Lazy dispatch keeps start-up fast (the first prompt of `runbook walk` must not wait for networkx,
jsonschema or graphviz). Each subcommand module offers `build_parser(prog)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Protocol

from runbook_engine import __version__
from runbook_engine.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    EngineError,
)
from runbook_engine.gc_pause import gc_paused
from runbook_engine.terminal_text import visible, visible_line

COMMANDS: dict[str, tuple[str, str]] = {
    "lint": ("runbook_engine.cli.lint", "validate and lint runbooks for CI"),
    "walk": ("runbook_engine.cli.walk", "walk a runbook interactively during an incident"),
    "incident": ("runbook_engine.cli.incident", "open and run incidents: roles, approvals, updates"),
    "timeline": ("runbook_engine.cli.timeline", "show, follow, export and verify incident timelines"),
    "postmortem": ("runbook_engine.cli.postmortem", "draft a postmortem from an incident's timeline"),
    "render": ("runbook_engine.cli.render", "draw a runbook (and an incident's path) with graphviz"),
    "docs": ("runbook_engine.cli.docs", "write a wiki-ready folder for a runbook library"),
    "drill": ("runbook_engine.cli.drill", "run scripted drills against runbooks"),
    "store": ("runbook_engine.cli.store", "set up a team store on PostgreSQL, copy incidents, check a store"),
    "policy": ("runbook_engine.cli.policy", "check a severity policy file"),
}


class CommandModule(Protocol):
    def build_parser(self, prog: str) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name.ljust(width)}  {summary}" for name, (_, summary) in COMMANDS.items()]
    return (
        "usage: runbook [--version] COMMAND [ARGS...]\n\ncommands:\n"
        + "\n".join(lines)
        + "\n\n`runbook COMMAND --help` tells more about each.\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run `runbook` with `argv` (default: sys.argv[1:]) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        stream = sys.stdout if args else sys.stderr
        stream.write(_usage())
        return 0 if args else EXIT_USAGE
    if args[0] == "--version":
        print(f"runbook-engine {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        sys.stderr.write(f"runbook: unknown command {name!r}\n\n{_usage()}")
        return EXIT_USAGE
    return _run_guarded(name, rest)


MAX_DETAILS = 20


def _report(name: str, exc: EngineError) -> None:
    lines = [f"runbook {name}: {exc.message}"]
    lines += [f"  hint: {exc.hint}"] if exc.hint else []
    lines += [f"runbook {name}: {detail}" for detail in exc.details[:MAX_DETAILS]]
    if len(exc.details) > MAX_DETAILS:
        hidden = len(exc.details) - MAX_DETAILS
        lines.append(f"runbook {name}: ... and {hidden} more (`runbook lint` lists all)")
    sys.stderr.write(visible("\n".join(lines)) + "\n")


def _run_guarded(name: str, rest: list[str]) -> int:
    """The one error handler: user errors get a message, anything else exit 3 and no traceback."""
    try:
        with gc_paused():  # a command's modules live as long as the process: nothing to collect
            module: CommandModule = importlib.import_module(COMMANDS[name][0])
        parser = module.build_parser(f"runbook {name}")
        parsed = parser.parse_args(rest)
        return module.run(parsed)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except EngineError as exc:
        _report(name, exc)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: never a traceback
        if os.environ.get("RUNBOOK_DEBUG"):
            raise
        sys.stderr.write(
            f"runbook {name}: internal error: {type(exc).__name__}: {visible_line(str(exc))}\n"
            "  this is a bug in runbook-engine; rerun with RUNBOOK_DEBUG=1 for the traceback\n"
        )
        return EXIT_INTERNAL
