"""The DOT text of a runbook: a pure function of the runbook, the options and an optional overlay.

Output is deterministic (file order of nodes and answers, no sets iterated, no timestamps) so a
diff of two renders shows exactly what changed in review.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from runbook_engine.format.model import Link, Node, Runbook
from runbook_engine.frozen import frozen
from runbook_engine.render.escape import dot_quote, dot_tooltip, wrap
from runbook_engine.render.labels import edge_label, header_label, node_label, simple_label
from runbook_engine.render.structure import EdgeKey, back_edges, cause_branches, connector_edges
from runbook_engine.render.style import (
    CLUSTER_BORDER,
    CLUSTER_FILL,
    EDGE_COLOUR,
    FADED_COLOUR,
    FADED_FILL,
    FONT,
    LINK_COLOUR,
    LOOKS,
    LOOP_COLOUR,
    VISITED_COLOUR,
    Look,
    look_key,
    policy_approver,
)

if TYPE_CHECKING:
    from runbook_engine.render.overlay import Overlay

SYMPTOM_ID = "(symptom)"
"""Ids outside the schema's `[a-z0-9][a-z0-9_-]*`, so they never collide with a runbook node."""


@frozen
class DotOptions:
    """How a runbook is drawn: direction, legend, clusters, link targets, connectors above."""

    direction: str = "TB"
    legend: bool = True
    clusters: bool = True
    link_href: str = ""
    """Format for links to other runbooks, e.g. `{runbook}.md`; empty draws them without a link."""
    connectors_above: int = 60
    """Runbooks with more nodes than this draw loops and shared ends as "go to" stubs."""

    def use_connectors(self, runbook: Runbook) -> bool:
        return len(runbook.nodes) > self.connectors_above


def link_id(link: Link) -> str:
    return f"(runbook {link})"


def missing_id(target: str) -> str:
    return f"(missing {target})"


def connector_id(source: str, label: str) -> str:
    return f"(go to from {source} {label})"


def runbook_dot(runbook: Runbook, options: DotOptions | None = None,
                overlay: Overlay | None = None) -> str:
    """The whole `digraph` for one runbook."""
    options = options or DotOptions()
    lines = [f"digraph {dot_quote(runbook.id or 'runbook')} {{", *_defaults(runbook, options, overlay)]
    lines += _indent(_node_statements(runbook, options, overlay))
    lines += _indent(_edge_statements(runbook, options, overlay))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _indent(lines: list[str]) -> list[str]:
    return [f"  {line}" for line in lines]


def _defaults(runbook: Runbook, options: DotOptions, overlay: Overlay | None) -> list[str]:
    looks = _looks_used(runbook, options) if options.legend else []
    caption = header_label(runbook, looks, overlay.incident if overlay else None)
    return _indent([
        f'graph [rankdir={"LR" if options.direction == "LR" else "TB"}, fontname="{FONT}", '
        f'labelloc=t, nodesep=0.35, ranksep=0.45, newrank=true, label={caption}];',
        f'node [fontname="{FONT}", fontsize=11, margin="0.10,0.05"];',
        f'edge [fontname="{FONT}", fontsize=10, color="{EDGE_COLOUR}"];',
    ])


def _looks_used(runbook: Runbook, options: DotOptions) -> list[Look]:
    """Legend entries for the kinds this runbook uses, in the vocabulary's order."""
    used = {"symptom"} | {look_key(node) for node in runbook.nodes.values()}
    used |= {"connector"} if options.use_connectors(runbook) else set()
    used |= {"link"} if runbook.links() else set()
    used |= {"missing"} if _missing_targets(runbook) else set()
    return [look for key, look in LOOKS.items() if key in used]


def _missing_targets(runbook: Runbook) -> list[str]:
    targets = (edge.target for node in runbook.nodes.values() for edge in node.edges)
    return list(dict.fromkeys(t for t in targets if t not in runbook.nodes))


def _node_statements(runbook: Runbook, options: DotOptions, overlay: Overlay | None) -> list[str]:
    branches = cause_branches(runbook) if options.clusters else {}
    clustered = {member for members in branches.values() for member in members}
    lines = [_symptom_statement(runbook)]
    approver = policy_approver(runbook.default_severity)
    lines += [
        _node_statement(node, overlay, approver)
        for node in runbook.nodes.values()
        if node.id not in clustered
    ]
    for index, (cause, members) in enumerate(branches.items(), start=1):
        members_ = [runbook.nodes[m] for m in members]
        lines += _cluster(index, runbook.nodes[cause], members_, overlay, approver)
    lines += [_link_statement(link, options, overlay) for link in _distinct_links(runbook)]
    lines += [_missing_statement(target) for target in _missing_targets(runbook)]
    return lines


def _cluster(
    index: int, cause: Node, members: list[Node], overlay: Overlay | None, approver: str
) -> list[str]:
    title = " ".join(wrap(f"branch: {cause.title}", 60, 1))
    header = (
        f"subgraph cluster_{index} {{ label={dot_quote(title)}; style=\"rounded,filled\"; "
        f'fillcolor="{CLUSTER_FILL}"; color="{CLUSTER_BORDER}"; fontsize=10;'
    )
    return [header, *_indent([_node_statement(node, overlay, approver) for node in members]), "}"]


def _attributes(pairs: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(map("=".join, pairs)) + "]"


@cache
def _look_attributes(look: Look, faded: bool) -> tuple[tuple[str, str], ...]:
    """A look's DOT attributes; cached, since every node of a kind shares them."""
    pairs = [
        ("shape", look.shape),
        ("style", dot_quote(look.style)),
        ("fillcolor", dot_quote(FADED_FILL if faded else look.fill)),
        ("color", dot_quote(FADED_COLOUR if faded else look.border)),
        ("penwidth", look.penwidth),
    ]
    return tuple(pairs + ([("peripheries", str(look.peripheries))] if look.peripheries != 1 else []))


def _node_statement(node: Node, overlay: Overlay | None, approver: str) -> str:
    marks = overlay.nodes.get(node.id, ()) if overlay else ()
    faded = overlay is not None and not marks
    pairs = [("label", node_label(node, marks, faded, approver))]
    pairs += _look_attributes(LOOKS[look_key(node)], faded)
    if marks:
        pairs += [("color", dot_quote(VISITED_COLOUR)), ("penwidth", "4")]
    pairs += [
        ("tooltip", dot_tooltip(node.text or node.title)),
        ("id", dot_quote(f"node-{node.id}")),
    ]
    if node.document.startswith(("http://", "https://")):
        pairs.append(("URL", dot_quote(node.document)))  # SVG output makes the node a link
    if overlay is not None:
        pairs.append(("class", dot_quote("visited" if marks else "faded")))
    return f"{dot_quote(node.id)} {_attributes(_dedupe(pairs))};"


def _dedupe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Later attributes win, keeping the first position: one `color=` per statement."""
    merged = dict(pairs)
    return list(merged.items())


def _symptom_statement(runbook: Runbook) -> str:
    symptom = runbook.symptom
    subtitle = "alerts: " + ", ".join(symptom.alerts) if symptom.alerts else symptom.impact
    pairs = [("label", simple_label(symptom.summary or runbook.title, subtitle))]
    pairs += _look_attributes(LOOKS["symptom"], False)
    pairs += [("id", dot_quote("node-symptom"))]
    return f"{dot_quote(SYMPTOM_ID)} {_attributes(pairs)};"


def _distinct_links(runbook: Runbook) -> list[Link]:
    return list(dict.fromkeys(link for _, link in runbook.links()))


def _link_statement(link: Link, options: DotOptions, overlay: Overlay | None) -> str:
    pairs = [("label", simple_label(str(link), "another runbook", overlay is not None))]
    pairs += _look_attributes(LOOKS["link"], overlay is not None)
    if options.link_href:
        href = options.link_href.format(runbook=link.runbook, node=link.node or "")
        pairs += [("href", dot_quote(href)), ("target", dot_quote("_top"))]
    pairs += [("id", dot_quote(f"link-{link}"))]
    return f"{dot_quote(link_id(link))} {_attributes(pairs)};"


def _missing_statement(target: str) -> str:
    pairs = [("label", simple_label(target, "no such node"))]
    pairs += _look_attributes(LOOKS["missing"], False)
    return f"{dot_quote(missing_id(target))} {_attributes(pairs)};"


def _edge_statements(runbook: Runbook, options: DotOptions, overlay: Overlay | None) -> list[str]:
    loops = back_edges(runbook)
    stubs = connector_edges(runbook, loops) if options.use_connectors(runbook) else set()
    start = runbook.start if runbook.start in runbook.nodes else missing_id(runbook.start)
    entered = overlay is not None and bool(overlay.nodes)
    first = f"{dot_quote(SYMPTOM_ID)} -> {dot_quote(start)}"
    lines = [first + (f' [color="{VISITED_COLOUR}", penwidth=3];' if entered else ";")]
    for node in runbook.nodes.values():
        for edge in node.edges:
            target = edge.target if edge.target in runbook.nodes else missing_id(edge.target)
            key: EdgeKey = (node.id, edge.label)
            if key in stubs:
                lines.append(_connector_statement(node.id, edge.label, runbook.nodes[target],
                                                  key in loops, overlay))
                target = connector_id(node.id, edge.label)
            lines.append(_edge_statement(node.id, target, edge.label, key in loops, overlay))
        if node.link is not None:
            lines.append(_link_edge(node.id, node.link, overlay))
    return lines


def _connector_statement(source: str, label: str, target: Node, loop: bool,
                         overlay: Overlay | None) -> str:
    """A small "go to" stub standing in for `target` at the end of one long edge."""
    taken = overlay is not None and (source, label) in overlay.edges
    faded = overlay is not None and not taken
    pairs = [("label", _connector_label(loop, target.title, faded))]
    pairs += _look_attributes(LOOKS["connector"], faded)
    pairs += [("fontsize", "9")]
    if overlay is not None:
        pairs.append(("class", dot_quote("visited" if taken else "faded")))
    return f"{dot_quote(connector_id(source, label))} {_attributes(pairs)};"


@lru_cache(maxsize=1024)
def _connector_label(loop: bool, title: str, faded: bool) -> str:
    """Cached: a large runbook has hundreds of stubs pointing at the same few shared ends."""
    return simple_label(f"{'back to' if loop else 'go to'}: {title}", "", faded)


def _edge_statement(source: str, target: str, label: str, loop: bool,
                    overlay: Overlay | None) -> str:
    marks = overlay.edges.get((source, label), ()) if overlay else ()
    shown = label if not loop else ("loop" if label == "next" else f"{label} (loop)")
    pairs = [("label", edge_label(shown, marks))]
    if loop:
        pairs += [("style", "dashed"), ("color", dot_quote(LOOP_COLOUR)), ("constraint", "false")]
    if marks:
        pairs += [("color", dot_quote(VISITED_COLOUR)), ("fontcolor", dot_quote(VISITED_COLOUR)),
                  ("penwidth", "3"), ("class", dot_quote("visited"))]
    elif overlay is not None:
        pairs += [("color", dot_quote(FADED_COLOUR)), ("fontcolor", dot_quote(FADED_COLOUR)),
                  ("class", dot_quote("faded"))]
    return f"{dot_quote(source)} -> {dot_quote(target)} {_attributes(_dedupe(pairs))};"


def _link_edge(source: str, link: Link, overlay: Overlay | None) -> str:
    colour = FADED_COLOUR if overlay is not None else LINK_COLOUR
    pairs = [("style", "dashed"), ("color", dot_quote(colour)), ("fontcolor", dot_quote(colour)),
             ("arrowhead", "empty"), ("label", "<continue there>")]
    return f"{dot_quote(source)} -> {dot_quote(link_id(link))} {_attributes(pairs)};"
