"""Argument-parser helpers shared by the subcommands (usage errors exit with status 2)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from runbook_engine.errors import UsageError
from runbook_engine.resources import default_store


def parser(prog: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, description=description, formatter_class=HelpFormatter)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the width it would ask `shutil` for: argparse makes one on every
    `add_argument`, and importing shutil (with bz2, lzma, fnmatch) was ~1 ms of every start-up."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns() - 2)


def terminal_columns() -> int:
    """What `shutil.get_terminal_size().columns` says: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """`--store PATH|URL`, falling back to $RUNBOOK_STORE, then `.runbook/incidents.db`."""
    parser.add_argument(
        "--store",
        default=default_store(),
        metavar="PATH|URL",
        help="incident store: a SQLite file, or postgresql://... for a team store;"
        " env RUNBOOK_STORE; default .runbook/incidents.db",
    )


def add_policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy", type=Path, default=None, help="severity policy file (default: the bundled one)"
    )


def emit(output: Path | None, write: Callable[[TextIO], object]) -> None:
    """Let `write` fill standard output, or the file named by `-o` (an unwritable file is exit 2)."""
    if output is None:
        write(sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8") as stream:
            write(stream)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """`--store`, `--policy` and `--as HANDLE` (checked against the account: see `identity.resolve`)."""
    add_store_option(parser)
    add_policy_option(parser)
    parser.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="HANDLE",
        help="your handle; must be one your OS account maps to in the policy's people (default: it)",
    )
