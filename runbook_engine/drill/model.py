"""A drill as typed, immutable data: the scenario, the steps in order and what must hold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from runbook_engine.findings import Position
from runbook_engine.frozen import frozen

ACTIONS = (
    "answer",
    "gather",
    "skip",
    "propose",
    "start",
    "approve",
    "deny",
    "command",
    "wait",
    "note",
    "hypothesis_stated",
    "drop_hypothesis",
    "update",
    "change",
    "result",
    "assign",
    "handover",
    "severity",
    "action_item",
    "mitigate",
    "monitor",
    "resolve",
    "reopen",
    "override",
    "classify",
    "check",
)
"""The keys that make a step; a step holds exactly one of them."""

DEFAULT_START = "2026-01-05T14:00Z"
"""When the fake clock starts if the scenario does not say: a fixed moment keeps drills reproducible."""


@frozen
class Expectation:
    """One thing that must hold: a check name (`node`, `phase`, `timeline`...) and its value."""

    name: str
    value: Any
    position: Position = field(default_factory=Position)


@frozen
class Step:
    """One thing that happens during the drill.

    `number` is 1-based as people count; `options` hold the action's qualifiers (evidence, reason,
    node, hypothesis); `refused` is None when the engine must accept the step.
    """

    number: int
    action: str
    value: Any
    position: Position
    actor: str | None = None
    at: str | None = None
    refused: str | bool | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    expectations: tuple[Expectation, ...] = ()

    def describe(self) -> str:
        """Short human form, e.g. `answer at-limit` or `wait 10m`."""
        if self.value is True or isinstance(self.value, Mapping):
            detail = _mapping_summary(self.value) if isinstance(self.value, Mapping) else ""
            return f"{self.action} {detail}".strip()
        text = str(self.value)
        return f"{self.action} {text if len(text) <= 40 else text[:37] + '...'}"


@frozen
class Scenario:
    """The pretend incident and its cast."""

    severity: str | None
    """None: the runbook's own default severity."""
    roles: Mapping[str, str]
    title: str = ""
    start: str = DEFAULT_START
    started: str | None = None
    walker: str | None = None
    policy: str | None = None
    declared_by: str | None = None
    """Who declares the incident before anyone takes command (None: the IC opens it)."""
    alert: str | None = None
    """The alert that paged, whose variant's severity applies when `severity` is not given."""

    @property
    def ic(self) -> str:
        return self.roles["ic"]

    @property
    def default_walker(self) -> str:
        """Who walks when a step names nobody: the ops lead, else the primary on-call, else the IC."""
        return self.walker or self.roles.get("ops") or self.roles.get("primary") or self.ic


@frozen
class Drill:
    """A parsed drill file."""

    id: str
    path: str
    runbook: str
    scenario: Scenario
    steps: tuple[Step, ...]
    expectations: tuple[Expectation, ...] = ()
    title: str = ""
    description: str = ""


def _mapping_summary(value: Mapping[str, Any]) -> str:
    for key in ("action", "change", "kind", "role", "text"):
        if key in value:
            return str(value[key])[:40]
    return ""
