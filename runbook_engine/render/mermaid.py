"""The Mermaid flowchart of a runbook, for wikis that draw Mermaid but cannot run graphviz.

Node ids are generated (`n1`, `n2`, ... in file order) so no runbook text ever becomes Mermaid
syntax; labels are quoted and entity-escaped. Same vocabulary and overlay as the DOT output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runbook_engine.format.model import Link, Node, Runbook
from runbook_engine.render.escape import mermaid, mermaid_lines, wrap
from runbook_engine.render.labels import TITLE_WIDTH, details, kind_line
from runbook_engine.render.overlay import Overlay
from runbook_engine.render.structure import back_edges, cause_branches
from runbook_engine.render.style import (
    FADED_COLOUR,
    FADED_FILL,
    LOOKS,
    VISITED_COLOUR,
    Look,
    look_key,
    policy_approver,
    risk_mark,
)


@dataclass
class _Ids:
    """Safe Mermaid ids for everything drawn, handed out in a fixed order."""

    nodes: dict[str, str] = field(default_factory=dict)
    links: dict[Link, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def target(self, target: str) -> str:
        if target in self.nodes:
            return self.nodes[target]
        return self.missing.setdefault(target, f"m{len(self.missing) + 1}")


def runbook_mermaid(runbook: Runbook, direction: str = "TB", legend: bool = True,
                    clusters: bool = True, overlay: Overlay | None = None) -> str:
    """The whole `flowchart` for one runbook."""
    ids = _Ids({node_id: f"n{index}" for index, node_id in enumerate(runbook.nodes, start=1)})
    for _, link in runbook.links():
        ids.links.setdefault(link, f"l{len(ids.links) + 1}")
    edges = _edges(runbook, ids, overlay)
    lines = [f"flowchart {'LR' if direction == 'LR' else 'TB'}"]
    lines += _nodes(runbook, ids, clusters, overlay)
    lines += [line for line, _ in edges]
    lines += _classes(runbook, ids, overlay)
    lines += [f"  linkStyle {index} {style}" for index, (_, style) in enumerate(edges) if style]
    if legend:
        lines += _legend(runbook, ids)
    return "\n".join(lines) + "\n"


def _shape(look: Look, label: str) -> str:
    return f"{look.mermaid_open}{label}{look.mermaid_close}"


def _node_label(node: Node, overlay: Overlay | None, approver: str) -> str:
    lines: list[str] = []
    for mark in overlay.nodes.get(node.id, ()) if overlay else ():
        lines.append(f"#{mark.order} {mark.clock}".strip())
    if risk_mark(node, approver):
        lines.append(risk_mark(node, approver))
    lines += wrap(node.title, TITLE_WIDTH)
    lines.append(kind_line(node))
    lines += [line for prefix, text in details(node) for line in wrap(prefix + text, 36, 3)]
    return mermaid_lines(lines)


def _nodes(runbook: Runbook, ids: _Ids, clusters: bool, overlay: Overlay | None) -> list[str]:
    summary = runbook.symptom.summary or runbook.title
    lines = [f"  n0{_shape(LOOKS['symptom'], mermaid_lines(wrap(summary, TITLE_WIDTH)))}"]
    branches = cause_branches(runbook) if clusters else {}
    clustered = {member for members in branches.values() for member in members}
    approver = policy_approver(runbook.default_severity)
    declare = {
        node.id: f"{ids.nodes[node.id]}{_shape(LOOKS[look_key(node)], _node_label(node, overlay, approver))}"
        for node in runbook.nodes.values()
    }
    lines += [f"  {declare[node_id]}" for node_id in runbook.nodes if node_id not in clustered]
    for index, (cause, members) in enumerate(branches.items(), start=1):
        title = mermaid(f"branch: {runbook.nodes[cause].title}")
        lines.append(f'  subgraph c{index}["{title}"]')
        lines += [f"    {declare[member]}" for member in members]
        lines.append("  end")
    lines += [f"  {ident}{_shape(LOOKS['link'], mermaid(str(link)))}" for link, ident in ids.links.items()]
    lines += [f"  {ident}{_shape(LOOKS['missing'], mermaid(t))}" for t, ident in ids.missing.items()]
    return lines


def _edges(runbook: Runbook, ids: _Ids, overlay: Overlay | None) -> list[tuple[str, str]]:
    """Edge lines with their linkStyle (empty for the default look), in a fixed order."""
    loops = back_edges(runbook)
    start = ids.target(runbook.start)
    edges = [(f"  n0 --> {start}", f"stroke:{VISITED_COLOUR},stroke-width:3px"
              if overlay and overlay.nodes else "")]
    for node in runbook.nodes.values():
        for edge in node.edges:
            marks = overlay.edges.get((node.id, edge.label), ()) if overlay else ()
            loop = (node.id, edge.label) in loops
            plain = f"{edge.label} (loop)" if loop else edge.label
            text = [f"#{m.order} {m.answer} {m.clock}".strip() for m in marks] or [plain]
            text += [f"approved by {', '.join(m.approvers)}" for m in marks if m.approvers]
            arrow = "-.->" if loop else "-->"
            label = "" if text == ["next"] else f'|"{mermaid_lines(text)}"|'
            style = (f"stroke:{VISITED_COLOUR},stroke-width:3px" if marks
                     else f"stroke:{FADED_COLOUR}" if overlay else "")
            edges.append((f"  {ids.nodes[node.id]} {arrow}{label} {ids.target(edge.target)}", style))
        if node.link is not None:
            edges.append((f"  {ids.nodes[node.id]} -.-> {ids.links[node.link]}", ""))
    return edges


def _class_name(key: str) -> str:
    return key.replace("-", "_")


def _classdef(name: str, look: Look) -> str:
    width = {"1.2": "1px"}.get(look.penwidth, f"{look.penwidth}px")
    dash = ",stroke-dasharray:5 3" if "dashed" in look.style else ""
    return f"  classDef {name} fill:{look.fill},stroke:{look.border},stroke-width:{width}{dash}"


def _classes(runbook: Runbook, ids: _Ids, overlay: Overlay | None) -> list[str]:
    members: dict[str, list[str]] = {"symptom": ["n0"]}
    for node in runbook.nodes.values():
        members.setdefault(look_key(node), []).append(ids.nodes[node.id])
    if ids.links:
        members["link"] = list(ids.links.values())
    if ids.missing:
        members["missing"] = list(ids.missing.values())
    lines = [_classdef(_class_name(key), LOOKS[key]) for key in LOOKS if key in members]
    lines += [f"  class {','.join(members[key])} {_class_name(key)}" for key in LOOKS if key in members]
    if overlay is not None:
        visited = [ids.nodes[n] for n in runbook.nodes if n in overlay.nodes]
        faded = [ids.nodes[n] for n in runbook.nodes if n not in overlay.nodes]
        lines.append(f"  classDef visited stroke:{VISITED_COLOUR},stroke-width:4px")
        lines.append(f"  classDef faded fill:{FADED_FILL},stroke:{FADED_COLOUR},color:#9ca3af")
        lines += [f"  class {','.join(group)} {name}" for group, name in
                  ((visited, "visited"), (faded, "faded")) if group]
    return lines


def _legend(runbook: Runbook, ids: _Ids) -> list[str]:
    used = {"symptom"} | {look_key(node) for node in runbook.nodes.values()}
    used |= {"link"} if ids.links else set()
    used |= {"missing"} if ids.missing else set()
    keys = [key for key in LOOKS if key in used]
    lines = ['  subgraph legend["Legend"]', "    direction LR"]
    lines += [f"    k{i}{_shape(LOOKS[k], mermaid(LOOKS[k].legend))}" for i, k in enumerate(keys, 1)]
    lines.append("  end")
    lines += [f"  class k{i} {_class_name(k)}" for i, k in enumerate(keys, 1)]
    return lines
