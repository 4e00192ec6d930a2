"""The refusal value every rule returns, its error form, and helpers the rule modules share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from runbook_engine.errors import EXIT_USAGE, Refused
from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import NewEvent
from runbook_engine.timeline.values import IncidentState


@frozen
class Refusal:
    """Why an action is not allowed now (`rule` names the rule) and what to do about it."""

    rule: str
    reason: str
    hint: str


USAGE_RULES = frozenset({"unknown_severity", "unknown_change"})
"""Refusals that mean the command named something that does not exist: a usage error (exit 2),
not a rule of incident command saying no (exit 1)."""


class RuleRefused(Refused):
    """A `Refused` error that keeps the structured refusal for front ends that want the rule name."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"{refusal.reason} [rule: {refusal.rule}]", refusal.hint)
        self.refusal = refusal
        if refusal.rule in USAGE_RULES:
            self.exit_code = EXIT_USAGE


Check = Callable[[IncidentState, NewEvent, datetime, Policy], "Refusal | None"]
"""One rule: (state, event, now, policy) -> a refusal or None."""


def refuse_if(refusal: Refusal | None) -> None:
    """Raise the refusal as a user-facing error (exit 1); do nothing for None."""
    if refusal is not None:
        raise RuleRefused(refusal)


def missing(text: object) -> bool:
    """A reason or text that is absent or only whitespace."""
    return not str(text or "").strip()


def overridden_after(state: IncidentState, rule: str, seq: int | None) -> bool:
    """Whether the IC logged an override of `rule` after event `seq` (order by seq, not time:
    events logged in the same second, as in drills on a fake clock, still have an order)."""
    return seq is not None and any(o.rule == rule and o.seq > seq for o in state.overrides)
