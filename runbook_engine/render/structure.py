"""Reading a runbook's graph for drawing: which edges close loops, which nodes form a cause's branch.

Pure and iterative (no recursion), so a 5,000-node runbook neither hits the recursion limit nor
costs more than a couple of linear passes.
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.format.model import Runbook

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


def _reverse_postorder(runbook: Runbook) -> list[str]:
    """Nodes reachable from the start, each after everything that leads to it (loops aside)."""
    if runbook.start not in runbook.nodes:
        return []
    seen = {runbook.start}
    finished: list[str] = []
    stack: list[tuple[str, Iterator[tuple[str, str]]]] = [(runbook.start, _exits(runbook, runbook.start))]
    while stack:
        node_id, exits = stack[-1]
        step = next(exits, None)
        if step is None:
            finished.append(node_id)
            stack.pop()
        elif step[1] in runbook.nodes and step[1] not in seen:
            seen.add(step[1])
            stack.append((step[1], _exits(runbook, step[1])))
    return finished[::-1]


def immediate_dominators(runbook: Runbook, order: list[str] | None = None) -> dict[str, str]:
    """For each reachable node, the last node every path from the start must pass before it.

    The iterative algorithm of Cooper, Harvey and Kennedy: a few linear passes for runbook-shaped
    graphs. The start is its own dominator. `order` is the reverse postorder, when already known.
    """
    order = _reverse_postorder(runbook) if order is None else order
    index = {node_id: position for position, node_id in enumerate(order)}
    preds: dict[str, list[str]] = {node_id: [] for node_id in order}
    for node_id in order:
        for edge in runbook.nodes[node_id].edges:
            if edge.target in preds:
                preds[edge.target].append(node_id)
    idom = {order[0]: order[0]} if order else {}
    changed = True
    while changed:
        changed = False
        for node_id in order[1:]:
            done = [p for p in preds[node_id] if p in idom]
            new = done[0]
            for other in done[1:]:
                new = _intersect(idom, index, other, new)
            if idom.get(node_id) != new:
                idom[node_id] = new
                changed = True
    return idom


def _intersect(idom: dict[str, str], index: dict[str, int], a: str, b: str) -> str:
    while a != b:
        while index[a] > index[b]:
            a = idom[a]
        while index[b] > index[a]:
            b = idom[b]
    return a


def cause_branches(runbook: Runbook) -> dict[str, list[str]]:
    """For each cause, the nodes only reachable through it: candidates for one cluster.

    A node belongs to the branch of the nearest cause that dominates it (every path from the
    start to the node passes through that cause). Shared ends and loops back to the top stay
    outside any branch. A branch of one node (the cause alone) is left out: a box around one
    node adds nothing.
    """
    order = _reverse_postorder(runbook)
    idom = immediate_dominators(runbook, order)
    owner: dict[str, str | None] = {}
    for node_id in order:
        if runbook.nodes[node_id].kind == "cause":
            owner[node_id] = node_id
        elif node_id == runbook.start:
            owner[node_id] = None
        else:
            owner[node_id] = owner[idom[node_id]]
    branches: dict[str, list[str]] = {}
    for node_id in runbook.nodes:
        cause = owner.get(node_id)
        if cause is not None:
            branches.setdefault(cause, []).append(node_id)
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
