"""Drill skeletons: for each outcome of a runbook, the shortest walk that reaches it, as drill data.

A skeleton runs and passes as written (changes are proposed, approved by the policy's approver
and started after the observation window); the author then adds evidence, timing and what the
scenario must prove. Pure: runbook and policy in, plain data out.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Edge, Node, Runbook
from runbook_engine.policy import Policy

CAST = {"ic": "ines", "ops": "omar"}
"""Who plays the roles in a skeleton; the approver role, when not the IC, is played by `olga`."""
APPROVER = "olga"
STEP_APPROVERS = ("dana", "tara", "pia", "ugo", "vera")
"""Who plays the roles a runbook step names as its own approvers, when the cast lacks them."""


def outcomes(runbook: Runbook) -> list[Node]:
    """The nodes where a walk of this runbook ends, in file order."""
    return [node for node in runbook.nodes.values() if node.is_terminal]


def shortest_walk(runbook: Runbook, goal: str) -> list[tuple[Node, Edge]] | None:
    """The fewest answers from the start to `goal`, as (node, edge taken); None if unreachable."""
    if runbook.start not in runbook.nodes:
        return None
    previous: dict[str, tuple[Node, Edge] | None] = {runbook.start: None}
    queue = deque([runbook.start])
    while queue:
        node = runbook.nodes[queue.popleft()]
        for edge in node.edges:
            if edge.target not in previous and edge.target in runbook.nodes:
                previous[edge.target] = (node, edge)
                queue.append(edge.target)
    if goal not in previous:
        return None
    walk: list[tuple[Node, Edge]] = []
    step = previous[goal]
    while step is not None:
        walk.append(step)
        step = previous[step[0].id]
    return walk[::-1]


def skeleton(runbook: Runbook, goal: Node, policy: Policy) -> dict[str, Any] | None:
    """A drill walking `runbook` to `goal`, or None when no walk reaches it."""
    walk = shortest_walk(runbook, goal.id)
    if walk is None:
        return None
    rule = policy.severities.get(runbook.default_severity)
    window = format_duration(rule.observation_window_s) if rule else "5m"
    approver = rule.approver_role if rule else "ic"
    roles = dict(CAST) if approver in CAST else {**CAST, approver: APPROVER}
    _cast_step_approvers(roles, [node for node, _ in walk])
    steps: list[dict[str, Any]] = []
    changes = 0
    for node, edge in walk:
        if node.is_change:
            steps += _change_steps(node, roles, wait=window if changes else None)
            changes += 1
        steps += [{"gather": item.name, "evidence": f"{item.name}: checked"} for item in node.gathers]
        steps.append({"answer": edge.label, "node": node.id})
    return {
        "drill": f"{runbook.id}-{goal.id}"[:80],
        "title": f"{runbook.title}: reaching {goal.title or goal.id}",
        "runbook": runbook.id,
        "scenario": {"severity": runbook.default_severity or "SEV-3", "roles": roles},
        "steps": steps,
        "expect": {"path": [runbook.start, *(edge.target for _, edge in walk)]},
    }


def _cast_step_approvers(roles: dict[str, str], nodes: list[Node]) -> None:
    """Give every role a step names as its approver a player, so the skeleton can approve."""
    names = iter(name for name in STEP_APPROVERS if name not in roles.values())
    for node in nodes:
        for role in node.approval.any_of if node.approval else ():
            if role not in roles:
                roles[role] = next(names)


def _change_steps(node: Node, roles: dict[str, str], wait: str | None) -> list[dict[str, Any]]:
    """Propose, approve (risky only; each of a step's distinct approvers) and start the change,
    after the previous one's observation window."""
    steps: list[dict[str, Any]] = [{"wait": wait}] if wait else []
    if not node.is_risky:
        return [*steps, {"start": True, "node": node.id}]
    propose = {"propose": True, "node": node.id, "hypothesis": f"{node.title or node.id} fixes it"}
    return [*steps, propose, *_approvals(node, roles), {"start": True}]


def _approvals(node: Node, roles: dict[str, str]) -> list[dict[str, Any]]:
    if node.approval is None:
        return [{"approve": True}]
    walker = roles.get("ops")
    people = [roles[role] for role in node.approval.any_of if roles.get(role) not in (None, walker)]
    return [{"approve": True, "as": person} for person in dict.fromkeys(people)][: node.approval.count]
