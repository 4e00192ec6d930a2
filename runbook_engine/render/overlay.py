"""The path an incident took through a runbook, as plain data the builders can draw.

The input is deliberately small (ordered visits: node, times, answer, approvers) so the overlay
does not depend on how the timeline stores events; `incident.py` adapts the timeline to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from datetime import datetime, timezone

from runbook_engine.format.model import Node, Runbook
from runbook_engine.frozen import frozen
from runbook_engine.render.structure import EdgeKey


@frozen
class PathStep:
    """One visit of one node during an incident, in the order the walk made them."""

    node: str
    at: datetime | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    approvers: tuple[str, ...] = ()


@frozen
class NodeMark:
    """A node an incident visited: its place in the walk and when."""

    order: int
    at: datetime | None

    @property
    def clock(self) -> str:
        return clock(self.at)


@frozen
class EdgeMark:
    """An answer an incident took: its place in the walk, the answer, when, who approved it."""

    order: int
    answer: str
    at: datetime | None
    approvers: tuple[str, ...] = ()

    @property
    def clock(self) -> str:
        return clock(self.at)


@frozen
class Overlay:
    """Visited nodes and edges with their step numbers; everything else is drawn faded."""

    incident: str
    nodes: Mapping[str, tuple[NodeMark, ...]] = field(default_factory=dict)
    edges: Mapping[EdgeKey, tuple[EdgeMark, ...]] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    """Visited node ids that this runbook does not have (renamed or removed since the incident)."""


def build_overlay(incident: str, runbook: Runbook, steps: Iterable[PathStep]) -> Overlay:
    """Number the visits 1, 2, 3... and find the edge each answer took."""
    known = [step for step in steps if step.node in runbook.nodes]
    unknown = tuple(dict.fromkeys(s.node for s in steps if s.node not in runbook.nodes))
    nodes: dict[str, list[NodeMark]] = {}
    edges: dict[EdgeKey, list[EdgeMark]] = {}
    for order, step in enumerate(known, start=1):
        nodes.setdefault(step.node, []).append(NodeMark(order, step.at))
        following = known[order].node if order < len(known) else None
        label = _taken_label(runbook.nodes[step.node], step.answer, following)
        if label is not None:
            mark = EdgeMark(order, step.answer or label, step.answered_at, step.approvers)
            edges.setdefault((step.node, label), []).append(mark)
    return Overlay(
        incident,
        {key: tuple(marks) for key, marks in nodes.items()},
        {key: tuple(marks) for key, marks in edges.items()},
        unknown,
    )


def _taken_label(node: Node, answer: str | None, following: str | None) -> str | None:
    """The exit an answer took: by its label, else the one exit leading to the next visit."""
    if answer is not None and node.target(answer) is not None:
        return answer
    if following is None:
        return None
    return next((edge.label for edge in node.edges if edge.target == following), None)


def clock(at: datetime | None) -> str:
    """`14:07` in UTC, or empty when the time is not known."""
    return at.astimezone(timezone.utc).strftime("%H:%M") if at is not None else ""
