"""A runbook's tree as a nested Markdown list: for search, screen readers and diffs in review.

Each node is written once, where the depth-first walk from the start first meets it; later
references say "see above" instead of repeating its subtree, so loops stay finite.
"""

from __future__ import annotations

from runbook_engine.format.model import Node, Runbook
from runbook_engine.render.escape import markdown, page_link

MAX_DEPTH = 12
"""Past this depth items stop indenting further: Markdown renderers turn deep lists into code."""


def _describe(node: Node) -> str:
    badge = f", {node.badge.lower()}" if node.badge in ("RISKY", "IRREVERSIBLE") else ""
    text = f": {markdown(node.text)}" if node.text and node.text != node.title else ""
    return f"**{markdown(node.title)}** ({markdown(node.kind)}{badge}){text}"


def _item(depth: int, answer: str, body: str) -> str:
    prefix = f"*{markdown(answer)}* → " if answer and answer != "next" else ""
    return f"{'  ' * min(depth, MAX_DEPTH)}- {prefix}{body}"


def outline(runbook: Runbook, suffix: str = ".md") -> list[str]:
    """Markdown list lines: the tree from the start, then nodes the start never reaches.

    `suffix` ends links to other runbooks' pages (see `index_page`)."""
    written: set[str] = set()
    lines = _walk(runbook, runbook.start, written, suffix) if runbook.start in runbook.nodes else []
    rest = [node_id for node_id in runbook.nodes if node_id not in written]
    if rest:
        lines += ["", "Not reachable from the start:", ""]
        for node_id in rest:
            if node_id not in written:
                lines += _walk(runbook, node_id, written, suffix)
    return lines


def _walk(runbook: Runbook, root: str, written: set[str], suffix: str) -> list[str]:
    lines: list[str] = []
    stack: list[tuple[int, str, str]] = [(0, "", root)]
    while stack:
        depth, answer, node_id = stack.pop()
        node = runbook.nodes.get(node_id)
        if node is None:
            lines.append(_item(depth, answer, f"missing node `{markdown(node_id)}`"))
        elif node_id in written:
            lines.append(_item(depth, answer, f"**{markdown(node.title)}** (see above)"))
        else:
            written.add(node_id)
            lines.append(_item(depth, answer, _describe(node)))
            if node.link is not None:
                lines.append(_item(depth + 1, "", f"continues in [{markdown(str(node.link))}]"
                                                  f"({page_link(node.link.runbook, suffix)})"))
            stack += [(depth + 1, e.label, e.target) for e in reversed(node.edges)]
    return lines
