"""What real runbooks declare beyond the graph: per-step approvers, repetitions, alert variants, documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runbook_engine.format.raw import duration as _duration
from runbook_engine.frozen import frozen

EFFECTS = ("change", "coordination", "observation")
"""What an action does: only a `change` touches production and is under change control."""

DOCUMENT_PREFIXES = ("http://", "https://", "wiki:")


@frozen
class Approval:
    """Who approves a step: roles in order of preference (fallbacks after the first), and how many."""

    any_of: tuple[str, ...]
    count: int = 1

    def describe(self) -> str:
        roles = ", else ".join(self.any_of)
        return roles if self.count == 1 else f"{self.count} distinct approvers from {roles}"


@frozen
class Repeat:
    """A change repeated under one approval: up to `times`, or until a condition holds."""

    times: int | None = None
    until: str = ""
    every_s: int | None = None

    def describe(self) -> str:
        parts = [f"up to {self.times} times" if self.times else ""]
        parts.append(f"until {self.until}" if self.until else "")
        text = ", ".join(part for part in parts if part)
        return text + (f", every {self.every_s}s" if self.every_s else "")


@frozen
class AlertVariant:
    """One variant of an alert: its name, what fires it, for how long, and at which severity."""

    name: str
    threshold: str = ""
    for_s: int | None = None
    severity: str = ""


def is_document(target: str) -> bool:
    """Whether a link target is an outside document (a URL or a wiki page), not a runbook id."""
    return target.startswith(DOCUMENT_PREFIXES)


def document_href(target: str) -> str:
    """Where a document link points: the URL itself, or the wiki page's path."""
    return target[len("wiki:") :] if target.startswith("wiki:") else target


def approval_from(raw: Any) -> Approval | None:
    if isinstance(raw, str) and raw:
        return Approval((raw,))
    if not isinstance(raw, dict):
        return None
    listed = raw.get("any_of")  # the model is built before the schema's verdict: any shape can come
    roles = tuple(role for role in listed if isinstance(role, str)) if isinstance(listed, list) else ()
    count = raw.get("count", 1)
    return Approval(roles, count if isinstance(count, int) and count > 0 else 1) if roles else None


def repeat_from(raw: Any) -> Repeat | None:
    if not isinstance(raw, dict):
        return None
    times = raw.get("times")
    until = raw.get("until")
    return Repeat(
        times if isinstance(times, int) and not isinstance(times, bool) else None,
        until if isinstance(until, str) else "",
        _duration(raw.get("every")),
    )


def alerts_from(raw: Any) -> tuple[AlertVariant, ...]:
    items = raw if isinstance(raw, list) else []
    return tuple(variant for variant in map(_alert, items) if variant is not None)


def _alert(raw: Any) -> AlertVariant | None:
    if isinstance(raw, str):
        return AlertVariant(raw)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        return None
    threshold, severity = raw.get("threshold"), raw.get("severity")
    return AlertVariant(
        raw["name"],
        threshold if isinstance(threshold, str) else "",
        _duration(raw.get("for")),
        severity if isinstance(severity, str) else "",
    )
