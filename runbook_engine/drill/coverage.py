"""Drill coverage: per runbook, which nodes and edges no drill exercised.

Only drills that passed count: a failing drill proves nothing about the path it took. A node
counts when a drill's walker entered it; an edge (`node --label--> target`) counts when a
walker gave that answer at that node. The percentage is over nodes and edges together, because a
runbook whose every node is visited through the same answers still hides untried decisions.
"""

from __future__ import annotations

from collections.abc import Iterable

from runbook_engine.format.model import Runbook
from runbook_engine.frozen import frozen

from .result import DrillResult


@frozen
class EdgeRef:
    """One edge of a runbook: from a node, by an answer's label, to a node."""

    source: str
    label: str
    target: str

    def __str__(self) -> str:
        return f"{self.source} --{self.label}--> {self.target}"


@frozen
class RunbookCoverage:
    """How much of one runbook its drills walk: totals and what no drill reached."""

    runbook: str
    path: str
    drills: int
    nodes_total: int
    edges_total: int
    missed_nodes: tuple[str, ...]
    missed_edges: tuple[EdgeRef, ...]
    missed_outcomes: tuple[str, ...]
    """Terminal nodes (resolve, handoff, final escalations) no drill reached."""

    @property
    def covered(self) -> int:
        return self.total - len(self.missed_nodes) - len(self.missed_edges)

    @property
    def total(self) -> int:
        return self.nodes_total + self.edges_total

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.covered / self.total


def runbook_coverage(runbook: Runbook, results: Iterable[DrillResult]) -> RunbookCoverage:
    """Coverage of one runbook by the drills that walked it."""
    walked = [r for r in results if r.runbook == runbook.id and r.passed]
    visited = {node for result in walked for node in result.visits}
    answered = {edge for result in walked for edge in result.edges}
    edges = [
        EdgeRef(node.id, edge.label, edge.target)
        for node in runbook.nodes.values()
        for edge in node.edges
    ]
    return RunbookCoverage(
        runbook=runbook.id,
        path=runbook.source,
        drills=len(walked),
        nodes_total=len(runbook.nodes),
        edges_total=len(edges),
        missed_nodes=tuple(node for node in runbook.nodes if node not in visited),
        missed_edges=tuple(e for e in edges if (e.source, e.label) not in answered),
        missed_outcomes=tuple(
            node.id for node in runbook.nodes.values() if node.is_terminal and node.id not in visited
        ),
    )


def library_coverage(
    runbooks: Iterable[Runbook], results: Iterable[DrillResult]
) -> list[RunbookCoverage]:
    """Coverage of every runbook given, drilled or not, sorted by runbook id."""
    kept = list(results)
    return sorted((runbook_coverage(rb, kept) for rb in runbooks), key=lambda c: c.runbook)


def below(coverages: Iterable[RunbookCoverage], minimum: float) -> list[RunbookCoverage]:
    """Runbooks whose coverage is under `minimum` percent."""
    return [c for c in coverages if c.percent + 1e-9 < minimum]
