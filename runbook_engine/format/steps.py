"""What a node holds besides its edges: signals, steps, stages, rollbacks, irreversibility, and a
gather node's checks, as frozen values built tolerantly from loaded YAML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runbook_engine.format.command_line import copyable
from runbook_engine.format.raw import duration, items, text
from runbook_engine.frozen import frozen


@frozen
class Signal:
    """Where to look: a metric, query, log search or dashboard, and what to expect there."""

    kind: str
    query: str = ""
    link: str = ""
    expect: str = ""
    text: str = ""


SHELL = ("/bin/sh", "-c")
"""How a declared `shell` step runs; nothing else ever goes through a shell."""


@frozen
class Step:
    """What to do. Commands are argv lists; only a declared `shell` step runs through /bin/sh -c."""

    kind: str
    argv: tuple[str, ...] = ()
    url: str = ""
    query: str = ""
    text: str = ""
    timeout_s: int | None = None
    runnable: bool = False
    script: str = ""
    language: str = ""
    code: str = ""

    @property
    def runs(self) -> tuple[str, ...]:
        """The argv a runnable step executes: its own argv, or /bin/sh -c SCRIPT for a shell step."""
        if self.kind == "shell":
            return (*SHELL, self.script) if self.script else ()
        return self.argv if self.kind == "command" else ()

    def describe(self) -> str:
        """One line a person can read or copy; commands are shell-quoted, so a paste runs exactly them."""
        if self.kind in ("command", "shell"):
            return copyable(self.runs)
        return self.url or self.query or self.code or self.text


@frozen
class Stage:
    """One stage of a staged action: its name, its step and how to verify it."""

    name: str
    step: Step | None
    verify: str = ""


@frozen
class Rollback:
    """How to undo a risky action: what to do, and the step that does it."""

    text: str
    step: Step | None = None


@frozen
class Irreversible:
    """What cannot be undone after an action, and what to check before it."""

    consequence: str
    precheck: str = ""


@frozen
class Gather:
    """One piece of evidence a gather node asks for: its name, what to find out, where to look."""

    name: str
    text: str
    signal: Signal | None = None


def signal_from(raw: Any) -> Signal | None:
    if not isinstance(raw, dict):
        return None
    return Signal(
        text(raw.get("kind")),
        text(raw.get("query")),
        text(raw.get("link")),
        text(raw.get("expect")),
        text(raw.get("text")),
    )


def step_from(raw: Any) -> Step | None:
    if not isinstance(raw, dict):
        return None
    return Step(
        kind=text(raw.get("kind")),
        argv=tuple(str(arg) for arg in items(raw.get("argv"))),
        url=text(raw.get("url")),
        query=text(raw.get("query")),
        text=text(raw.get("text")),
        timeout_s=duration(raw.get("timeout")),
        runnable=raw.get("runnable") is True,
        script=text(raw.get("script")),
        language=text(raw.get("language")),
        code=text(raw.get("code")),
    )


def stage_from(raw: Mapping[str, Any]) -> Stage:
    return Stage(text(raw.get("name")), step_from(raw.get("step")), text(raw.get("verify")))


def rollback_from(raw: Any) -> Rollback | None:
    return Rollback(text(raw.get("text")), step_from(raw.get("step"))) if isinstance(raw, dict) else None


def irreversible_from(raw: Any) -> Irreversible | None:
    if not isinstance(raw, dict):
        return None
    return Irreversible(text(raw.get("consequence")), text(raw.get("precheck")))
