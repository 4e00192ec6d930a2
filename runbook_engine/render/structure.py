"""Reading a runbook's graph for drawing: which edges close loops, which nodes form a cause's branch.

Pure and iterative (no recursion), so a 5,000-node runbook neither hits the recursion limit nor
costs more than a couple of linear passes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from runbook_engine.model import Runbook

EdgeKey = tuple[str, str]
"""An edge as (source node id, answer label): unique within a runbook."""


def roots(runbook: Runbook) -> list[str]:
    """The start node first, then every other node in file order (to reach unreachable ones)."""
    start = [runbook.start] if runbook.start in runbook.nodes else []
    return start + [node_id for node_id in runbook.nodes if node_id != runbook.start]


def back_edges(runbook: Runbook) -> set[EdgeKey]:
    """Edges that point back to a node still on the depth-first path: the ones that close loops."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    loops: set[EdgeKey] = set()
    for root in roots(runbook):
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[str, Iterator[tuple[str, str]]]] = [(root, _exits(runbook, root))]
        while stack:
            node_id, exits = stack[-1]
            step = next(exits, None)
            if step is None:
                state[node_id] = 2
                stack.pop()
                continue
            label, target = step
            seen = state.get(target)
            if seen == 1:
                loops.add((node_id, label))
            elif seen is None and target in runbook.nodes:
                state[target] = 1
                stack.append((target, _exits(runbook, target)))
    return loops


def _exits(runbook: Runbook, node_id: str) -> Iterator[tuple[str, str]]:
    return ((edge.label, edge.target) for edge in runbook.nodes[node_id].edges)


def _reach(runbook: Runbook, first: list[str], stop_at_causes: bool) -> list[str]:
    """Nodes reachable from `first` (breadth first, file order), not entering other causes."""
    seen = dict.fromkeys(first)
    queue = deque(first)
    while queue:
        node_id = queue.popleft()
        for edge in runbook.nodes[node_id].edges:
            target = runbook.nodes.get(edge.target)
            if target is None or edge.target in seen:
                continue
            seen[edge.target] = None
            if not (stop_at_causes and target.kind == "cause"):
                queue.append(edge.target)
    return list(seen)


def cause_branches(runbook: Runbook) -> dict[str, list[str]]:
    """For each cause, the nodes that only its branch reaches: candidates for one cluster.

    A node belongs to a cause's branch when that cause reaches it without passing through another
    cause, no other cause does, and the walk cannot get there from the start before any cause.
    Branches of a single node (the cause alone) are left out: a box around one node adds nothing.
    """
    causes = [node_id for node_id, node in runbook.nodes.items() if node.kind == "cause"]
    start = [runbook.start] if runbook.start in runbook.nodes else []
    before_causes = {
        node_id for node_id in _reach(runbook, start, True) if runbook.nodes[node_id].kind != "cause"
    }
    owners: dict[str, list[str]] = {}
    for cause in causes:
        for node_id in _reach(runbook, [cause], True):
            if runbook.nodes[node_id].kind != "cause" or node_id == cause:
                owners.setdefault(node_id, []).append(cause)
    branches: dict[str, list[str]] = {cause: [] for cause in causes}
    for node_id in runbook.nodes:
        owning = owners.get(node_id, [])
        if len(owning) == 1 and node_id not in before_causes:
            branches[owning[0]].append(node_id)
    return {cause: members for cause, members in branches.items() if len(members) > 1}


def connector_edges(runbook: Runbook, loops: set[EdgeKey]) -> set[EdgeKey]:
    """Edges a large diagram draws to a small stand-in node instead of across the whole page.

    Long edges are what make big graphs unreadable (and what makes dot slow): loops back to
    the top, and every branch ending in the same shared resolve or escalation. Each of those
    edges gets its own "go to" stub; the first ordinary edge into a shared end keeps the real node.
    """
    connectors = set(loops)
    kept: set[str] = set()
    for node in runbook.nodes.values():
        for edge in node.edges:
            target = runbook.nodes.get(edge.target)
            key = (node.id, edge.label)
            if target is None or not target.is_terminal or key in loops:
                continue
            if edge.target in kept:
                connectors.add(key)
            kept.add(edge.target)
    return connectors
