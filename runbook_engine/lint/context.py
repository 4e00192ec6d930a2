"""What a rule sees: one loaded runbook with its data, model, schema issues and graph, computed once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from runbook_engine.findings import DocPath
from runbook_engine.format.loader import Document
from runbook_engine.format.model import Node, Runbook, runbook_from_data
from runbook_engine.format.schema import SchemaIssue, classified_issues
from runbook_engine.format.steps import Step
from runbook_engine.lint.graph import Graph

ACTING_KINDS = frozenset({"action"})
CONFIRMING_KINDS = frozenset({"check", "cause"})


@dataclass
class RunbookContext:
    """A runbook under lint. Properties are lazy: a rule pays only for what it asks for."""

    document: Document
    known_codes: frozenset[str] = frozenset()
    """Every rule code there is, for rules about suppressions."""

    @property
    def data(self) -> Any:
        return self.document.data

    @cached_property
    def runbook(self) -> Runbook:
        return runbook_from_data(self.data, self.document.path)

    @cached_property
    def schema(self) -> list[SchemaIssue]:
        return classified_issues(self.data)

    @cached_property
    def graph(self) -> Graph:
        """Nodes by id; an edge for every exit whose target exists (dangling ones are RB202's)."""
        nodes = self.runbook.nodes
        edges = ((node.id, edge.target) for node in nodes.values() for edge in node.edges)
        return Graph.build(nodes, ((source, target) for source, target in edges if target in nodes))

    @cached_property
    def reachable(self) -> frozenset[str]:
        """Nodes a walk can reach from the start node (empty when the start is unknown)."""
        start = self.runbook.start
        if start not in self.runbook.nodes:
            return frozenset()
        return frozenset(descendants(self.graph, start) | {start})

    @cached_property
    def finishing(self) -> frozenset[str]:
        """Nodes from which some terminal node (resolve, handoff, final escalation) is reachable."""
        ends = [node.id for node in self.runbook.nodes.values() if node.is_terminal]
        return frozenset(descendants(self.graph.reverse(), *ends))

    def nodes(self, *kinds: str) -> Iterator[Node]:
        """The runbook's nodes in file order, optionally only those of the given kinds."""
        for node in self.runbook.nodes.values():
            if not kinds or node.kind in kinds:
                yield node

    def steps(self) -> Iterator[tuple[DocPath, Step]]:
        """Every step of every node (its own, its stages', its rollback's) with its data path."""
        for node in self.nodes():
            if node.step is not None:
                yield (*node.path, "step"), node.step
            for index, stage in enumerate(node.stages):
                if stage.step is not None:
                    yield (*node.path, "stages", index, "step"), stage.step
            if node.rollback is not None and node.rollback.step is not None:
                yield (*node.path, "rollback", "step"), node.rollback.step


MIN_REASON = 10
"""A suppression's reason must be a short sentence a reviewer can judge (the schema says the same)."""


def suppressed_codes(node: Node) -> frozenset[str]:
    """Codes this node silences; a suppression without a real reason silences nothing."""
    items = (node.suppressions or {}).items()
    return frozenset(code for code, reason in items if len(reason.strip()) >= MIN_REASON)


def descendants(graph: Graph, *sources: str, avoid: str | None = None) -> set[str]:
    """`sources` and every node reachable from them without passing `avoid` (a plain search)."""
    seen: set[str | None] = {*sources, avoid}
    todo = list(sources)
    while todo:
        for target in graph.successors(todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return {node for node in seen if node is not None and node != avoid}


def strings(data: Any, path: DocPath = ()) -> Iterator[tuple[DocPath, str]]:
    """Every string value in loaded data with its path (keys are not values)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*path, index))
