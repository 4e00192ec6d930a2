"""The wiki page of one runbook, as Markdown: facts, diagram, outline, commands, risky actions."""

from __future__ import annotations

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Node, Runbook
from runbook_engine.format.shapes import AlertVariant, document_href
from runbook_engine.format.steps import Step
from runbook_engine.render.escape import code_fence, inline_code, markdown, page_link
from runbook_engine.render.outline import outline
from runbook_engine.render.style import approver_words, policy_approver

_INFO = {"command": "sh", "shell": "sh", "promql": "promql", "sql": "sql"}
"""Code-block languages for syntax highlighting; other steps are shown as plain text."""


def step_text(step: Step) -> str:
    """A step as a person would copy it: commands and shell scripts quoted as a POSIX shell needs
    them (a shell step as `/bin/sh -c '...'`), code in another language verbatim."""
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
        _documents(runbook),
    ]
    return "\n".join(line for section in sections for line in section).rstrip("\n") + "\n"


def _facts(runbook: Runbook) -> list[str]:
    rows = [
        ("Symptom", markdown(runbook.symptom.summary)),
        ("Impact", markdown(runbook.symptom.impact)),
        ("Service", markdown(runbook.service)),
        ("Default severity", markdown(runbook.default_severity)),
        ("Owners", ", ".join(markdown(owner) for owner in runbook.owners)),
        ("Alerts", "; ".join(_alert(variant) for variant in runbook.symptom.variants)),
        ("Tags", ", ".join(markdown(tag) for tag in runbook.tags)),
        ("Runbook id", markdown(runbook.id)),
    ]
    lines = ["| | |", "|---|---|"] + [f"| {name} | {value} |" for name, value in rows if value]
    description = [markdown(runbook.description), ""] if runbook.description else []
    return [*description, *lines, ""]


def _alert(variant: AlertVariant) -> str:
    lasting = f"for {format_duration(variant.for_s)}" if variant.for_s else ""
    facts = [variant.threshold, lasting, variant.severity]
    said = ", ".join(markdown(fact) for fact in facts if fact)
    return markdown(variant.name) + (f" ({said})" if said else "")


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
        roles = node.approval.any_of if node.approval else (policy_approver(runbook.default_severity),)
        badge = "IRREVERSIBLE" if node.is_irreversible else "RISKY"
        lines.append(f"- {_node_ref(node)}: {badge}, needs {markdown(approver_words(roles))} approval")
        if node.strategy:
            lines.append(f"  - Strategy: {markdown(node.strategy)}")
        if node.irreversible is not None:
            lines.append(f"  - Cannot be undone: {markdown(node.irreversible.consequence)}")
            if node.irreversible.precheck:
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


def _documents(runbook: Runbook) -> list[str]:
    """Outside documents the runbook hands off to or points at, as links."""
    found = [(node, doc) for node in runbook.nodes.values() for doc in (node.document, *node.see_also) if doc]
    if not found:
        return []
    lines = ["## Outside documents", ""]
    lines += [f"- {_node_ref(node)} → [{markdown(doc)}]({_href(doc)})" for node, doc in found]
    return [*lines, ""]


def _href(document: str) -> str:
    """A Markdown link target that cannot end early or open a title: brackets and quotes encoded."""
    encoded = {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", '"': "%22", " ": "%20"}
    return "".join(encoded.get(char, char) for char in document_href(document))
