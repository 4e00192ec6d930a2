"""The library map: every runbook as one box, grouped by service, with arrows for links between them."""

from __future__ import annotations

from collections.abc import Sequence

from runbook_engine.format.model import Runbook
from runbook_engine.render.escape import dot_html, dot_quote, html_lines, markdown, page_link, wrap
from runbook_engine.render.escape import mermaid as mermaid_text
from runbook_engine.render.style import CLUSTER_BORDER, CLUSTER_FILL, FONT, LINK_COLOUR, LOOKS


def _services(runbooks: Sequence[Runbook]) -> dict[str, list[Runbook]]:
    grouped: dict[str, list[Runbook]] = {}
    for runbook in sorted(runbooks, key=lambda r: (r.service, r.id)):
        grouped.setdefault(runbook.service or "(no service)", []).append(runbook)
    return grouped


def map_edges(runbooks: Sequence[Runbook]) -> list[tuple[str, str, str]]:
    """(from runbook, to runbook, node titles) for each pair of linked runbooks, sorted."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for runbook in runbooks:
        for node, link in runbook.links():
            pairs.setdefault((runbook.id, link.runbook), []).append(node.title)
    return [(src, dst, ", ".join(titles)) for (src, dst), titles in sorted(pairs.items())]


def library_dot(runbooks: Sequence[Runbook], href: bool = True, suffix: str = ".md") -> str:
    """DOT for the map; runbooks that are linked to but missing are drawn as missing.

    With `href`, each runbook links to its page, named with `suffix` (see `index_page`)."""
    known = {runbook.id for runbook in runbooks}
    look = LOOKS["link"]
    lines = [
        'digraph "library" {',
        f'  graph [rankdir=LR, fontname="{FONT}", label=<<B>Runbook library</B>>, labelloc=t];',
        f'  node [fontname="{FONT}", fontsize=11, shape=folder, style="filled", '
        f'fillcolor="{look.fill}", color="{look.border}"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="{LINK_COLOUR}"];',
    ]
    for index, (service, members) in enumerate(_services(runbooks).items(), start=1):
        lines.append(f"  subgraph cluster_{index} {{ label={dot_quote(service)}; "
                     f'style="rounded,filled"; fillcolor="{CLUSTER_FILL}"; color="{CLUSTER_BORDER}";')
        for runbook in members:
            link = f", href={dot_quote(page_link(runbook.id, suffix))}" if href else ""
            label = f"<<B>{html_lines(wrap(runbook.title, 28))}</B><BR/>{dot_html(runbook.id)}>"
            lines.append(f"    {dot_quote(runbook.id)} [label={label}{link}];")
        lines.append("  }")
    for src, dst, via in map_edges(runbooks):
        if dst not in known:
            lines.append(f'  {dot_quote(dst)} [label={dot_quote(dst + " (missing)")}, '
                         f'color="{LOOKS["missing"].border}", style="dashed"];')
        lines.append(f"  {dot_quote(src)} -> {dot_quote(dst)} [label=<{html_lines(wrap(via, 30))}>];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def library_mermaid(runbooks: Sequence[Runbook]) -> str:
    """The same map as a Mermaid flowchart, with generated ids."""
    ids = {runbook.id: f"r{index}" for index, runbook in enumerate(sorted(runbooks, key=lambda r: r.id), 1)}
    lines = ["flowchart LR"]
    for index, (service, members) in enumerate(_services(runbooks).items(), start=1):
        lines.append(f'  subgraph s{index}["{mermaid_text(service)}"]')
        lines += [f'    {ids[r.id]}[["{mermaid_text(r.title)}"]]' for r in members]
        lines.append("  end")
    for src, dst, via in map_edges(runbooks):
        if dst not in ids:
            ids[dst] = f"r{len(ids) + 1}"
            lines.append(f'  {ids[dst]}["{mermaid_text(dst + " (missing)")}"]')
        lines.append(f'  {ids[src]} -->|"{mermaid_text(via)}"| {ids[dst]}')
    return "\n".join(lines) + "\n"


def map_page(runbooks: Sequence[Runbook], diagram: str, suffix: str = ".md") -> str:
    """The library map page: the picture, then the same links as a list (pages end in `suffix`)."""
    titles = {runbook.id: runbook.title for runbook in runbooks}
    lines = ["# Library map", "", "Which runbooks lead to which (escalations and hand-offs).", "",
             diagram, ""]
    edges = map_edges(runbooks)
    for src, dst, via in edges:
        target = (f"[{markdown(titles[dst])}]({page_link(dst, suffix)})" if dst in titles
                  else f"{markdown(dst)} (missing from the library)")
        lines.append(f"- [{markdown(titles[src])}]({page_link(src, suffix)}) → {target}, "
                     f"from {markdown(via)}")
    if not edges:
        lines.append("No runbook links to another yet.")
    return "\n".join(lines) + "\n"
