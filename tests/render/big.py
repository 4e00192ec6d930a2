"""Generated runbooks of any size, for the 60+ node readability test and the render benchmark."""

from __future__ import annotations

import json

FANOUT = 10
"""Answers per triage check: a big runbook is a triage tree, not one long chain of questions."""


def _triage(nodes: dict[str, object], node_id: str, leaves: list[str]) -> None:
    """A check whose answers split `leaves` into at most FANOUT groups, recursively."""
    size = -(-len(leaves) // FANOUT)
    groups = [leaves[i:i + size] for i in range(0, len(leaves), size)]
    answers: dict[str, str] = {}
    for number, group in enumerate(groups):
        if len(group) == 1:
            answers[f"area-{group[0]}"] = group[0]
            continue
        child = f"{node_id}-{number}"
        answers[f"area-{number}"] = child
        _triage(nodes, child, group)
    nodes[node_id] = {
        "kind": "check", "title": f"Which part of {node_id}?", "text": "Read the error breakdown.",
        "signal": {"kind": "promql", "query": f'sum by (area) (errors{{scope="{node_id}"}})'},
        "answers": answers,
    }


def _branch(nodes: dict[str, object], i: int) -> None:
    """One cause: a safe and a risky action, a wait that may loop back, and a final check."""
    nodes[f"cause-{i}"] = {
        "kind": "cause", "title": f"Cause {i}", "text": f"Component {i} misbehaves.",
        "signal": {"kind": "log", "query": f"component:{i} level:error"},
        "answers": {"confirmed": f"safe-{i}", "refuted": "page-team"},
    }
    nodes[f"safe-{i}"] = {
        "kind": "action", "title": f"Restart worker {i}", "text": "A safe restart.", "risk": "safe",
        "outcomes": {"helped": f"watch-{i}", "no_change": f"risky-{i}"},
    }
    nodes[f"risky-{i}"] = {
        "kind": "action", "title": f"Fail over component {i}", "text": "Move traffic away.",
        "risk": "risky", "rollback": {"text": "Fail back."}, "verify": "errors fall within 5 minutes",
        "outcomes": {"helped": f"watch-{i}", "worse": "page-team"},
    }
    nodes[f"watch-{i}"] = {
        "kind": "wait", "title": f"Watch {i}", "text": "Watch errors.", "duration": "5m",
        "answers": {"recovered": f"confirm-{i}", "regressed": "triage"},
    }
    nodes[f"confirm-{i}"] = {
        "kind": "check", "title": f"Errors of {i} at baseline?", "text": "Compare with last week.",
        "signal": {"kind": "promql", "query": f"errors{{component=\"{i}\"}}"},
        "answers": {"baseline": "resolved", "elevated": "page-team"},
    }


def big_runbook_yaml(causes: int) -> str:
    """A valid runbook of about 5 x `causes` nodes (100 -> 513, 1000 -> 5,113).

    A triage tree of checks leads to one branch per cause; every branch ends in the shared
    resolve or escalation and can loop back to the top. Compact JSON is valid YAML and stays under
    the loader's 1 MiB limit at 1,000 causes.
    """
    nodes: dict[str, object] = {}
    _triage(nodes, "triage", [f"cause-{i}" for i in range(causes)])
    for i in range(causes):
        _branch(nodes, i)
    nodes["page-team"] = {"kind": "escalate", "title": "Page the team", "text": "Page.", "team": "sre"}
    nodes["resolved"] = {"kind": "resolve", "title": "Resolved", "text": "All good."}
    document = {
        "id": f"generated-{causes}", "title": f"Generated runbook ({causes} causes)",
        "service": "generated", "owners": ["@sre"], "severity": "SEV-3",
        "symptom": {"summary": "Something is wrong", "alerts": ["GeneratedAlert"]},
        "start": "triage", "nodes": nodes,
    }
    return json.dumps(document, separators=(",", ":"))
