"""The values the walker hands to a front end: a node's view, its choices and its change gate."""

from __future__ import annotations

from enum import Enum

from runbook_engine.format.model import Node
from runbook_engine.frozen import frozen
from runbook_engine.timeline.state import Change

ANSWER_KEYS = "123456789"
"""Answers are numbered; letters are kept for moves (p, s, r, m...)."""


class Phase(str, Enum):
    """Where the walker stands at its node: which kind of choice is open."""

    QUESTION = "question"
    """A check, cause, wait, escalation or cleanup: pick an answer."""
    READY = "ready"
    """An action with nothing proposed yet."""
    AWAITING_APPROVAL = "awaiting_approval"
    DENIED = "denied"
    APPROVED = "approved"
    IN_FLIGHT = "in_flight"
    """The change has started; its result (an outcome) is owed."""
    MITIGATE = "mitigate"
    """A resolve node while the incident is still open."""
    MONITORING = "monitoring"
    RESOLVABLE = "resolvable"
    RESOLVED = "resolved"
    END = "end"
    """A terminal node other than resolve (a handoff, a final escalation or a todo leaf)."""


class Move(str, Enum):
    ANSWER = "answer"
    PROPOSE = "propose"
    START = "start"
    RUN = "run"
    MITIGATE = "mitigate"
    RESOLVE = "resolve"
    OVERRIDE = "override"
    SKIP = "skip"
    """Skip a ladder rung without starting it, with a reason."""
    DETOUR = "detour"
    """Go to an owed cleanup node from an ending."""
    GATHER = "gather"
    """Answer one check of a gather node with its evidence (any order)."""


@frozen
class Choice:
    """One thing the walker can do now: the key that does it, and for answers where it leads."""

    key: str
    label: str
    move: Move
    target: str | None = None
    target_title: str = ""
    hint: str = ""
    part: str = ""
    """For a run: which of the node's commands (`step`, `stage N`, `rollback`)."""


@frozen
class GateItem:
    """One condition a risky change must meet before it may start."""

    label: str
    ok: bool
    detail: str


@frozen
class NodeView:
    """Everything the screen shows for the current node, computed from the walk's state."""

    runbook_id: str
    node: Node
    phase: Phase
    choices: tuple[Choice, ...]
    gate: tuple[GateItem, ...] = ()
    change: Change | None = None
    notice: str = ""
    """A warning the walker must see, e.g. that the IC cannot approve their own change."""
    asks_evidence: bool = False
    seconds_left: float | None = None
    """Time left on a wait node's duration or the monitoring window (negative once past)."""
    seconds_waited: float | None = None
    """Time spent at a wait node so far (an unbounded wait counts up)."""
    gathered: tuple[tuple[str, str], ...] = ()
    """At a gather node: the checks answered so far, with their evidence."""

    def choice(self, key_or_label: str) -> Choice | None:
        """The choice picked by its key, its exact label or an unambiguous label prefix."""
        text = key_or_label.strip()
        exact = [c for c in self.choices if text in (c.key, c.label)]
        if exact:
            return exact[0]
        prefixed = [c for c in self.choices if text and c.label.startswith(text)]
        return prefixed[0] if len(prefixed) == 1 else None

    @property
    def gate_open(self) -> bool:
        return all(item.ok for item in self.gate)
