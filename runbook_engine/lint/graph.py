"""A runbook's decision graph for the rules: successors by node id, and its strongly connected parts.

Plain dicts rather than networkx: importing networkx cost ~100 ms on every single-file lint, and
the rules need only successors, a reverse, and Tarjan's components.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from runbook_engine.frozen import frozen


@frozen
class Graph:
    """Directed graph; `edges[node]` lists its distinct successors in insertion order."""

    edges: dict[str, tuple[str, ...]]

    @classmethod
    def build(cls, nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> Graph:
        targets: dict[str, dict[str, None]] = {node: {} for node in nodes}
        for source, target in edges:
            targets.setdefault(target, {})
            targets.setdefault(source, {})[target] = None
        return cls({node: tuple(following) for node, following in targets.items()})

    def successors(self, node: str) -> tuple[str, ...]:
        return self.edges.get(node, ())

    def out_degree(self, node: str) -> int:
        return len(self.successors(node))

    def has_edge(self, source: str, target: str) -> bool:
        return target in self.successors(source)

    def reverse(self) -> Graph:
        return Graph.build(self.edges, ((b, a) for a, following in self.edges.items() for b in following))


def strongly_connected_components(graph: Graph) -> Iterator[set[str]]:
    """Tarjan's algorithm without recursion (a 5,000-node chain would overflow Python's stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph.edges:
        if root in index:
            continue
        work = [(root, iter(graph.successors(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, following = work[-1]
            target = next(following, None)
            if target is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    yield _pop_component(stack, on_stack, node)
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(graph.successors(target))))
            elif target in on_stack:
                low[node] = min(low[node], index[target])


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> set[str]:
    component: set[str] = set()
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.add(member)
        if member == root:
            return component
