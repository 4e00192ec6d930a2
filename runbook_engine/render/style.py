"""The visual vocabulary: one look (shape, colours, mark) per kind of node, as data.

Shape and colour both change with the kind so the diagram still reads in greyscale print and for
colour-blind readers; risky and irreversible actions also say so in words on the node.
"""

from __future__ import annotations

from functools import cache

from runbook_engine.format.model import Node
from runbook_engine.frozen import frozen
from runbook_engine.policy import PolicyError, load_policy
from runbook_engine.timeline.format import role_name


@frozen
class Look:
    """How one kind of node is drawn in DOT and in Mermaid, and how the legend names it."""

    key: str
    legend: str
    shape: str
    style: str
    fill: str
    border: str
    penwidth: str = "1.2"
    peripheries: int = 1
    mermaid_open: str = '["'
    mermaid_close: str = '"]'
    mark: str = ""


LOOKS: dict[str, Look] = {
    look.key: look
    for look in (
        Look("symptom", "symptom (what pages you)", "box", "filled,bold", "#fee2e2", "#b91c1c",
             penwidth="2", mermaid_open='{{"', mermaid_close='"}}'),
        Look("check", "check", "box", "rounded,filled", "#dbeafe", "#1d4ed8",
             mermaid_open='("', mermaid_close='")'),
        Look("cause", "cause (hypothesis)", "note", "filled", "#ede9fe", "#6d28d9",
             mermaid_open='>"', mermaid_close='"]'),
        Look("action-safe", "safe action", "box", "filled", "#dcfce7", "#15803d"),
        Look("action-risky", "risky action (needs approval)", "box", "filled,bold", "#ffedd5",
             "#c2410c", penwidth="3", mark="RISKY - needs IC approval"),
        Look("action-irreversible", "irreversible action (needs approval)", "box", "filled,bold",
             "#fecaca", "#7f1d1d", penwidth="4", peripheries=2,
             mark="IRREVERSIBLE - cannot be undone - needs IC approval"),
        Look("wait", "wait and watch", "box", "rounded,filled,dashed", "#fef9c3", "#a16207",
             mermaid_open='(["', mermaid_close='"])'),
        Look("escalate", "escalate (page a team)", "invhouse", "filled", "#e0e7ff", "#4338ca",
             mermaid_open='[/"', mermaid_close='"\\]'),
        Look("handoff", "hand off to another runbook", "cds", "filled", "#e0e7ff", "#4338ca",
             mermaid_open='[/"', mermaid_close='"/]'),
        Look("resolve", "resolve", "box", "rounded,filled,bold", "#bbf7d0", "#166534",
             penwidth="2", mermaid_open='(("', mermaid_close='"))'),
        Look("cleanup", "cleanup owed", "box", "filled,diagonals", "#f1f5f9", "#475569",
             mermaid_open='[\\"', mermaid_close='"\\]'),
        Look("todo", "not written yet (escalate)", "box", "dashed,filled", "#fff7ed", "#9a3412"),
        Look("gather", "gather evidence, then decide", "box3d", "filled", "#dbeafe", "#1d4ed8"),
        Look("link", "another runbook", "folder", "filled,dashed", "#f8fafc", "#334155",
             mermaid_open='[["', mermaid_close='"]]'),
        Look("connector", "go to (node drawn once elsewhere)", "box", "rounded,dashed", "#ffffff",
             "#6b7280"),
        Look("missing", "missing node (lint error)", "box", "dashed", "#ffffff", "#dc2626"),
    )
}

EDGE_COLOUR = "#374151"
LOOP_COLOUR = "#6b7280"
LINK_COLOUR = "#334155"
VISITED_COLOUR = "#1d4ed8"
FADED_COLOUR = "#d1d5db"
FADED_FILL = "#f9fafb"
FADED_TEXT = "#9ca3af"
CLUSTER_FILL = "#faf5ff"
CLUSTER_BORDER = "#c4b5fd"
FONT = "Helvetica"


def look_key(node: Node) -> str:
    """The look of a node: its kind, with actions split by how dangerous they are."""
    if node.kind == "action":
        return {"IRREVERSIBLE": "action-irreversible", "RISKY": "action-risky"}.get(
            node.badge, "action-safe"
        )
    return node.kind if node.kind in LOOKS else "missing"


def risk_mark(node: Node, approver: str = "ic") -> str:
    """The words a risky or irreversible step carries on the node, whatever its kind, naming the
    approver the engine will ask: the step's own, else the policy's at the runbook's severity."""
    if not node.is_risky:
        return _shell_mark(node)
    who = approver_words(node.approval.any_of if node.approval else (approver,))
    count = node.approval.count if node.approval else 1
    roles = node.approval.any_of if node.approval else ()
    distinct = f"needs {count} approvals from {approver_words(roles, 'and')}"
    needs = f"needs {who} approval" if count == 1 else distinct
    base = LOOKS["action-irreversible" if node.is_irreversible else "action-risky"].mark
    return base.replace("needs IC approval", needs) + _shell_mark(node, " - ")


def approver_words(roles: tuple[str, ...], joiner: str = "else") -> str:
    """`Tech lead, else IC`: fallbacks in order (or `Tech lead, and IC` for distinct approvers)."""
    return f", {joiner} ".join(role_name(role) for role in roles)


def _shell_mark(node: Node, lead: str = "") -> str:
    steps = [node.step, *(stage.step for stage in node.stages)]
    return f"{lead}SHELL" if any(step is not None and step.kind == "shell" for step in steps) else ""


@cache
def policy_approver(severity: str) -> str:
    """The role the bundled severity policy names as approver at `severity` (IC when unknown)."""
    try:
        rule = load_policy().severities.get(severity)
    except PolicyError:
        return "ic"
    return rule.approver_role if rule is not None else "ic"
