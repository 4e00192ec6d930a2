"""What a drill can observe of an incident at one moment: plain values the expectations compare.

Kept apart from the timeline's own state types so expectations and their messages are pure and can
be tested without a store; `drill.observe` fills it from the real incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from runbook_engine.frozen import frozen


@frozen
class Refusal:
    """A step the engine refused: which step, the rule and its reason."""

    step: int
    rule: str
    reason: str

    def matches(self, wanted: str) -> bool:
        """A refusal is named by its rule or by any part of its reason (case-insensitive)."""
        wanted = wanted.lower()
        return wanted == self.rule.lower() or wanted in self.reason.lower()


@frozen
class Snapshot:
    """The incident as the drill sees it after a step."""

    phase: str = "open"
    severity: str = ""
    position: str | None = None
    path: tuple[str, ...] = ()
    answers: tuple[str | None, ...] = ()
    """The label given at each visit of `path` (None where the walker has not answered yet)."""
    roles: Mapping[str, str] = field(default_factory=dict)
    change_in_flight: str | None = None
    pending_approvals: tuple[str, ...] = ()
    update_overdue_s: float | None = None
    time_to_ic_s: float | None = None
    """From the start of impact until someone took command; None while nobody has."""
    next_update_due: str | None = None
    """When the next status update is due, as `HH:MM` UTC; None when none is owed."""
    status_updates: int = 0
    action_items: int = 0
    timeline: tuple[str, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    flags: tuple[str, ...] = ()
    gate_blocked: tuple[str, ...] | None = None
    """The unmet conditions of the risky-change gate at the walker's node; None off risky actions."""

    def taken(self) -> tuple[tuple[str, str], ...]:
        """The answers given, as (node, label) in order."""
        return tuple((node, label) for node, label in zip(self.path, self.answers, strict=False) if label)

    def path_so_far(self) -> str:
        """The walk as people read it: `a [yes] -> b [refuted] -> c`."""
        labels = list(self.answers) + [None] * (len(self.path) - len(self.answers))
        pairs = zip(self.path, labels, strict=False)
        parts = [f"{node} [{label}]" if label else node for node, label in pairs]
        return " -> ".join(parts) or "(no node entered)"
