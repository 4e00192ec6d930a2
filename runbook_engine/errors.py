"""Errors meant for the user: each carries the exit code the CLI returns for it."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
"""Lint or drill findings, or an incident action the rules refused."""
EXIT_USAGE = 2
"""A command-line mistake or an input that cannot be read."""
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class EngineError(Exception):
    """An error with a message for the user (no traceback) and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str = "", details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details
        """Further lines worth showing after the message (e.g. the other findings in a file)."""


class UsageError(EngineError):
    exit_code = EXIT_USAGE


class InputError(EngineError):
    """A file that cannot be read or parsed (runbook, policy, drill, store)."""

    exit_code = EXIT_USAGE


class StoreUnavailable(InputError):
    """The team store's server cannot be reached now: nothing was read or written; try again."""


class Refused(EngineError):
    """The incident rules refused an action; the message says why and the hint what to do."""

    exit_code = EXIT_FINDINGS
