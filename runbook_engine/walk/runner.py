"""Running a runbook's command step: argv without a shell, allow-listed placeholders, a timeout.

A command runs only when the runbook marks its step `runnable` AND the user started the walk with
`--allow-commands`; a risky step also needs its approval first (the walker checks that). The
placeholders a runbook may use are a fixed allow-list of incident values, and each value must look
like an identifier, so no incident text can smuggle an option or a path into the argv.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass

from runbook_engine.errors import Refused
from runbook_engine.model import Step

PLACEHOLDERS = ("incident.id", "incident.severity", "runbook.id", "runbook.service", "node.id")
"""The only names `{...}` may refer to in a runnable argv."""

DEFAULT_TIMEOUT_S = 60
MAX_OUTPUT_CHARS = 4000
"""Output kept for the timeline: the head and the tail, with a marker for what was cut."""

EXIT_TIMED_OUT = 124
EXIT_NOT_FOUND = 127

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$")


@dataclass(frozen=True)
class CommandPlan:
    """Exactly what would run: the filled argv and its timeout."""

    argv: tuple[str, ...]
    timeout_s: int

    def shown(self) -> str:
        """The argv as one line a person can read (quoted where a word has spaces)."""
        return shlex.join(self.argv)


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    exit_code: int
    output: str
    dry_run: bool
    duration_s: float = 0.0


def refusal(step: Step | None, allow_commands: bool) -> str | None:
    """Why this step may not be run from the navigator, or None when it may."""
    if step is None or step.kind != "command" or not step.argv:
        return "this step has no command to run"
    if not step.runnable:
        return "the runbook does not mark this command `runnable`; run it yourself"
    if not allow_commands:
        return "commands are off; start the walk with --allow-commands to run them from here"
    return None


def plan(step: Step, values: Mapping[str, str]) -> CommandPlan:
    """Fill the step's placeholders; raises Refused for an unknown name or an unsafe value."""
    argv = tuple(_fill(arg, values) for arg in step.argv)
    return CommandPlan(argv, step.timeout_s or DEFAULT_TIMEOUT_S)


def _fill(arg: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            raise Refused(
                f"placeholder {{{name}}} is not allowed in a runnable command",
                "allowed: " + ", ".join(f"{{{n}}}" for n in PLACEHOLDERS),
            )
        value = values.get(name, "")
        if not _SAFE_VALUE.match(value):
            raise Refused(
                f"value {value!r} for {{{name}}} is not safe to pass to a command",
                "values must start with a letter or digit and hold no spaces",
            )
        return value

    return _PLACEHOLDER.sub(replace, arg)


def execute(command: CommandPlan, dry_run: bool) -> CommandResult:
    """Run the command (never through a shell) or, on a dry run, only say what would run."""
    if dry_run:
        return CommandResult(command.argv, 0, f"dry run: would run {command.shown()}", True)
    started = time.monotonic()
    try:
        done = subprocess.run(  # argv from a runnable step, never a shell
            list(command.argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=command.timeout_s,
            check=False,
        )
    except FileNotFoundError:
        return _failed(command, EXIT_NOT_FOUND, f"{command.argv[0]}: command not found", started)
    except PermissionError:
        return _failed(command, EXIT_NOT_FOUND, f"{command.argv[0]}: permission denied", started)
    except subprocess.TimeoutExpired as exc:
        text = _decode(exc.output) + f"\n[timed out after {command.timeout_s}s]"
        return _failed(command, EXIT_TIMED_OUT, text, started)
    output = truncate(_decode(done.stdout))
    return CommandResult(command.argv, done.returncode, output, False, time.monotonic() - started)


def truncate(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the head and the tail of long output: errors tend to be at the end."""
    if len(text) <= limit:
        return text
    head = limit // 2
    tail = limit - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"


def _failed(command: CommandPlan, code: int, text: str, started: float) -> CommandResult:
    return CommandResult(command.argv, code, truncate(text), False, time.monotonic() - started)


def _decode(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else raw.decode("utf-8", errors="replace")

