"""How steps that are not plain changes walk: coordination tasks, observations, skipped rungs,
risky diagnostics and cleanups, and detours to owed cleanup from an ending (pure)."""

from __future__ import annotations

from typing import Any

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Node, Runbook
from runbook_engine.policy import Policy
from runbook_engine.timeline.state import IncidentState
from runbook_engine.walk.view import Choice, Move

CHANGE_OUTCOMES = frozenset({"helped", "no_change", "worse"})


def change_result(node: Node, label: str) -> str:
    """The change result an answer records. An action's answer is its result; a risky cleanup
    that finished did its job (helped); a risky diagnostic mitigates nothing (no_change)."""
    if label in CHANGE_OUTCOMES:
        return label
    return "helped" if node.kind == "cleanup" else "no_change"


def task_fields(node: Node, walker: str) -> dict[str, str]:
    """What a coordination or observation step adds to its answer: its effect and its owner."""
    if node.kind != "action" or node.effect == "change":
        return {}
    fields = {"effect": node.effect}
    if node.effect == "coordination":
        fields["owner"] = node.owner or walker
    return fields


def asks_evidence(node: Node) -> bool:
    """Whether answering asks what was seen: a signal was read, or a task or observation logged."""
    return node.signal is not None or (node.kind == "action" and not node.is_change)


def skip_target(node: Node) -> str | None:
    """Where skipping a rung leads: its `no_change` way on (a ladder's next rung), if it has one."""
    return node.target("no_change") if node.is_change else None


def can_skip(node: Node) -> bool:
    return skip_target(node) is not None


def cleanup_detours(node: Node, state: IncidentState, runbook: Runbook) -> tuple[Choice, ...]:
    """At an ending, one move per owed cleanup node of this runbook: do it before leaving."""
    if not node.is_terminal or state.phase == "resolved":
        return ()
    owed = [node_id for node_id in state.cleanup_owed if node_id in runbook.nodes]
    return tuple(
        Choice("", f"clean up: {runbook.nodes[node_id].title}", Move.DETOUR, node_id,
               runbook.nodes[node_id].title, hint="owed before this ending")
        for node_id in owed
    )


def gathered(state: IncidentState, walker: str, runbook: Runbook, node: Node) -> tuple[tuple[str, str], ...]:
    """The checks of a gather node answered on the walker's current visit, with their evidence."""
    walk = state.walk(walker, runbook.id)
    if node.kind != "gather" or walk is None or not walk.path or walk.path[-1].node != node.id:
        return ()
    return walk.path[-1].gathered


def still_to_gather(node: Node, done: tuple[tuple[str, str], ...]) -> list[str]:
    names = {name for name, _ in done}
    return [item.name for item in node.gathers if item.name not in names]


def gather_choices(node: Node, done: tuple[tuple[str, str], ...]) -> tuple[Choice, ...]:
    """One move per check still to gather; the decision's answers come once every check is in."""
    titles = {item.name: item.text for item in node.gathers}
    return tuple(
        Choice("", f"gather: {name}", Move.GATHER, hint=titles[name], part=name)
        for name in still_to_gather(node, done)
    )


def check_gathered(node: Node, done: tuple[tuple[str, str], ...]) -> None:
    """Raise ValueError when a gather node is decided before every check is in."""
    missing = still_to_gather(node, done) if node.kind == "gather" else []
    if missing:
        raise ValueError(f"gather every check before deciding; still missing: {', '.join(missing)}")


def proposal(node: Node, runbook_id: str, change_id: str, hypothesis: str, owner: str) -> dict[str, Any]:
    """The `change_proposed` payload for the change a node makes, with what the runbook declares."""
    payload: dict[str, Any] = {
        "change_id": change_id,
        "runbook": runbook_id,
        "node": node.id,
        "action": node.title if node.title != node.id else node.text,
        "hypothesis": hypothesis,
        "rollback": node.rollback.text if node.rollback is not None else None,
        "irreversible": node.is_irreversible,
        "risky": node.is_risky,
        "owner": owner,
        "cleanup": list(node.cleanup),
    }
    if node.strategy:
        payload["strategy"] = node.strategy
    if node.repeat is not None:
        payload["repeat"] = node.repeat.describe()
    if node.approval is not None:
        payload["approvers"] = {"any_of": list(node.approval.any_of), "count": node.approval.count}
    return payload


def wait_nudge(node: Node, waited_s: float | None, policy: Policy, severity: str) -> str:
    """At a wait with no bound, once it has lasted the policy's update cadence: say so."""
    rule = policy.severities.get(severity)
    cadence = rule.update_cadence_s if rule is not None else None
    if node.kind != "wait" or node.duration_s is not None or waited_s is None or not cadence:
        return ""
    if waited_s < cadence:
        return ""
    return (
        f"Waiting {format_duration(waited_s)} with no bound (the {severity} update cadence is "
        f"{format_duration(cadence)}): post a status update, and decide whether to move on."
    )
