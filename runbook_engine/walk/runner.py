"""Running a runbook's command step: argv without a shell, allow-listed placeholders, a timeout.

Only a step the runbook declares `kind: shell` runs through a shell, as `/bin/sh -c SCRIPT`; lint
reports every such step for review (RB315) and the screen marks it SHELL.

A command runs only when the runbook marks its step `runnable` AND the user started the walk with
`--allow-commands`; a risky step also needs its approval first (the walker checks that). The
placeholders a runbook may use are a fixed allow-list of incident values, and each value must look
like an identifier, so no incident text can smuggle an option or a path into the argv.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Mapping

from runbook_engine.errors import Refused
from runbook_engine.format.command_line import copyable
from runbook_engine.format.model import Node
from runbook_engine.format.placeholders import ALLOWED, PLACEHOLDER, allowed_list
from runbook_engine.format.steps import Step
from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import MAIN_COMMAND_PART

DEFAULT_TIMEOUT_S = 60
MAX_OUTPUT_CHARS = 4000
"""Output kept for the timeline: the head and the tail, with a marker for what was cut."""

EXIT_TIMED_OUT = 124
EXIT_NOT_FOUND = 127

_SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$")


MAIN_PART = MAIN_COMMAND_PART
ROLLBACK_PART = "rollback"


@frozen
class CommandPart:
    """One command a node holds: its main step, a stage of a staged change, or its rollback."""

    part: str
    """`step`, `stage N` (1-based) or `rollback`: how the timeline names it."""
    label: str
    step: Step


def command_parts(node: Node) -> tuple[CommandPart, ...]:
    """The node's command steps, in the order a change uses them: step, stages, rollback."""
    parts = [CommandPart(MAIN_PART, "run", node.step)] if node.step is not None else []
    parts += [
        CommandPart(f"stage {number}", f"run stage {number}: {stage.name}", stage.step)
        for number, stage in enumerate(node.stages, start=1)
        if stage.step is not None
    ]
    if node.rollback is not None and node.rollback.step is not None:
        parts.append(CommandPart(ROLLBACK_PART, "run rollback", node.rollback.step))
    return tuple(part for part in parts if part.step.runs)


@frozen
class CommandPlan:
    """Exactly what would run: the filled argv and its timeout, and which part of the node it is."""

    argv: tuple[str, ...]
    timeout_s: int
    part: str = MAIN_PART

    def shown(self) -> str:
        """The argv as one line a person can read and copy (see format.command_line)."""
        return copyable(self.argv)


@frozen
class CommandResult:
    """What running (or dry-running) a runbook command gave: argv, exit code, output, duration."""

    argv: tuple[str, ...]
    exit_code: int
    output: str
    dry_run: bool
    duration_s: float = 0.0
    part: str = MAIN_PART


def refusal(step: Step | None, allow_commands: bool) -> str | None:
    """Why this step may not be run from the navigator, or None when it may."""
    if step is None or not step.runs:
        return "this step has no command to run"
    if not step.runnable:
        return "the runbook does not mark this command `runnable`; run it yourself"
    if not allow_commands:
        return "commands are off; start the walk with --allow-commands to run them from here"
    return None


def plan(step: Step, values: Mapping[str, str], part: str = MAIN_PART) -> CommandPlan:
    """Fill the step's placeholders; raises Refused for an unknown name or an unsafe value."""
    argv = tuple(_fill(arg, values) for arg in step.runs)
    return CommandPlan(argv, step.timeout_s or DEFAULT_TIMEOUT_S, part)


def _fill(arg: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ALLOWED:
            raise Refused(f"placeholder {{{name}}} is not allowed in a runnable command",
                          "allowed: " + allowed_list())
        value = values.get(name, "")
        if not _SAFE_VALUE.match(value):
            raise Refused(
                f"value {value!r} for {{{name}}} is not safe to pass to a command",
                "values must start with a letter or digit and hold no spaces",
            )
        return value

    return PLACEHOLDER.sub(replace, arg)


def execute(command: CommandPlan, dry_run: bool) -> CommandResult:
    """Run the command (never through a shell) or, on a dry run, only say what would run."""
    if dry_run:
        shown = f"dry run: would run {command.shown()}"
        return CommandResult(command.argv, 0, shown, True, part=command.part)
    started = time.monotonic()
    try:
        done = subprocess.run(  # argv from a runnable step; a shell only as a declared shell step's argv
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
    elapsed = time.monotonic() - started
    return CommandResult(command.argv, done.returncode, output, False, elapsed, command.part)


def truncate(text: str, limit: int = MAX_OUTPUT_CHARS) -> str:
    """Keep the head and the tail of long output: errors tend to be at the end."""
    if len(text) <= limit:
        return text
    head = limit // 2
    tail = limit - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"


def _failed(command: CommandPlan, code: int, text: str, started: float) -> CommandResult:
    return CommandResult(command.argv, code, truncate(text), False, time.monotonic() - started, command.part)


def _decode(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else raw.decode("utf-8", errors="replace")

