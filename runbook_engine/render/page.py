"""The wiki page of one runbook, as Markdown: facts, diagram, outline, commands, risky actions."""

from __future__ import annotations

from runbook_engine.format.model import Node, Runbook, Step
from runbook_engine.render.escape import code_fence, inline_code, markdown, page_link
from runbook_engine.render.outline import outline

_INFO = {"command": "sh", "promql": "promql", "sql": "sql"}
"""Code-block languages for syntax highlighting; other steps are shown as plain text."""


def step_text(step: Step) -> str:
    """A step as a person would copy it; commands quoted as a POSIX shell would need them."""
    return step.describe()


def runbook_page(runbook: Runbook, diagram: str, suffix: str = ".md") -> str:
    """The whole page; `diagram` is the Markdown that shows the graph (an image or a code block),
    `suffix` ends links to other runbooks' pages (see `index_page`)."""
    sections = [
        [f"# {markdown(runbook.title)}", ""],
        _facts(runbook),
        ["## Diagram", "", diagram, ""],
        ["## Outline", "", *outline(runbook, suffix), ""],
        _commands(runbook),
        _risky(runbook),
        _links(runbook, suffix),
    ]
    return "\n".join(line for section in sections for line in section).rstrip("\n") + "\n"


def _facts(runbook: Runbook) -> list[str]:
    rows = [
        ("Symptom", markdown(runbook.symptom.summary)),
        ("Impact", markdown(runbook.symptom.impact)),
        ("Service", markdown(runbook.service)),
        ("Default severity", markdown(runbook.severity)),
        ("Owners", ", ".join(markdown(owner) for owner in runbook.owners)),
        ("Alerts", ", ".join(markdown(alert) for alert in runbook.symptom.alerts)),
        ("Tags", ", ".join(markdown(tag) for tag in runbook.tags)),
        ("Runbook id", markdown(runbook.id)),
    ]
    lines = ["| | |", "|---|---|"] + [f"| {name} | {value} |" for name, value in rows if value]
    description = [markdown(runbook.description), ""] if runbook.description else []
    return [*description, *lines, ""]


def _node_ref(node: Node) -> str:
    return f"**{markdown(node.title)}** ({inline_code(node.id)})"


def _steps_of(node: Node) -> list[tuple[str, str, str]]:
    """(what, text, code-block language) for every query and step a node asks for."""
    found: list[tuple[str, str, str]] = []
    if node.signal is not None and node.signal.query:
        kind = node.signal.kind
        found.append((f"look ({kind})", node.signal.query, _INFO.get(kind, "text")))
    steps = [("do", node.step)] if node.step is not None else []
    steps += [(f"stage {stage.name}", stage.step) for stage in node.stages if stage.step]
    if node.rollback is not None and node.rollback.step is not None:
        steps.append(("roll back", node.rollback.step))
    found += [(what, step_text(step), _INFO.get(step.kind, "text")) for what, step in steps]
    return found


def _commands(runbook: Runbook) -> list[str]:
    lines = ["## Commands and queries", ""]
    for node in runbook.nodes.values():
        for what, text, info in _steps_of(node):
            lines += [f"{_node_ref(node)}, {markdown(what)}:", "", code_fence(text, info), ""]
    return lines if len(lines) > 2 else [*lines, "None.", ""]


def _risky(runbook: Runbook) -> list[str]:
    lines = ["## Risky actions and their rollbacks", ""]
    for node in runbook.nodes.values():
        if node.badge not in ("RISKY", "IRREVERSIBLE"):
            continue
        need = "IRREVERSIBLE, needs IC approval" if node.is_irreversible else "RISKY, needs IC approval"
        lines.append(f"- {_node_ref(node)}: {need}")
        if node.strategy:
            lines.append(f"  - Strategy: {markdown(node.strategy)}")
        if node.irreversible is not None:
            lines.append(f"  - Cannot be undone: {markdown(node.irreversible.consequence)}")
            lines.append(f"  - Check first: {markdown(node.irreversible.precheck)}")
        if node.rollback is not None:
            lines.append(f"  - Rollback: {markdown(node.rollback.text)}")
            if node.rollback.step is not None:
                lines.append(f"  - Rollback step: {inline_code(step_text(node.rollback.step))}")
        elif node.irreversible is None:
            lines.append("  - Rollback: none given (lint flags this)")
        if node.verify:
            lines.append(f"  - Verify: {markdown(node.verify)}")
    return [*lines, ""] if len(lines) > 2 else [*lines, "None: every action here is safe.", ""]


def _links(runbook: Runbook, suffix: str) -> list[str]:
    links = runbook.links()
    if not links:
        return []
    lines = ["## Other runbooks this one leads to", ""]
    lines += [f"- {_node_ref(node)} → [{markdown(str(link))}]({page_link(link.runbook, suffix)})"
              for node, link in links]
    return [*lines, ""]
