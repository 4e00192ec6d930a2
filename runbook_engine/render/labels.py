"""HTML-like DOT labels for nodes, edges and the legend; every runbook string is escaped here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Node, Runbook
from runbook_engine.render.escape import dot_html, html_lines, wrap
from runbook_engine.render.style import FADED_TEXT, LOOKS, Look, risk_mark

if TYPE_CHECKING:
    from runbook_engine.render.overlay import EdgeMark, NodeMark

TITLE_WIDTH = 28
DETAIL_WIDTH = 36
DETAIL_LINES = 4
"""Details (rollback, consequence) are cut after a few lines; the wiki page carries them in full."""

_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'


def _row(content: str, *, align: str = "CENTER", bgcolor: str = "") -> str:
    colour = f' BGCOLOR="{bgcolor}"' if bgcolor else ""
    return f'<TR><TD ALIGN="{align}" BALIGN="{align}"{colour}>{content}</TD></TR>'


def _small(content: str, colour: str = "#4b5563") -> str:
    return f'<FONT POINT-SIZE="9" COLOR="{colour}">{content}</FONT>'


def kind_line(node: Node) -> str:
    """What sort of node this is, with the one fact that matters for its kind."""
    if node.kind == "wait":
        return f"wait {format_duration(node.duration_s)}" if node.duration_s else "wait (no bound)"
    if node.kind == "action" and node.effect != "change":
        return f"{node.effect}: {node.owner}" if node.owner else node.effect
    if node.kind == "todo":
        return "not written yet: escalate"
    if node.kind == "gather":
        return f"gather {len(node.gathers)} checks in any order, then decide"
    if node.kind == "escalate" and node.team:
        return f"escalate: page {node.team}"
    if node.kind == "resolve" and node.monitoring_s:
        return f"resolve after {format_duration(node.monitoring_s)} of monitoring"
    if node.kind == "action":
        kind = "safe action" if node.badge in ("SAFE", "") else "action"
        return f"{kind} ({node.strategy})" if node.strategy else kind
    return node.kind or "node"


def details(node: Node) -> list[tuple[str, str]]:
    """(prefix, text) pairs shown under the title: rollback, consequence, cleanup owed."""
    found: list[tuple[str, str]] = []
    if node.irreversible is not None:
        found.append(("cannot undo: ", node.irreversible.consequence))
    if node.rollback is not None:
        found.append(("rollback: ", node.rollback.text))
    elif node.is_risky and node.irreversible is None:
        found.append(("rollback: ", "NONE GIVEN"))
    if node.cleanup:
        found.append(("leaves cleanup: ", ", ".join(node.cleanup)))
    if node.repeat is not None:
        found.append(("repeat: ", node.repeat.describe()))
    if node.document:
        found.append(("continue in: ", node.document))
    return found


def node_label(
    node: Node, marks: tuple[NodeMark, ...] = (), faded: bool = False, approver: str = "ic"
) -> str:
    """The label of a runbook node: step numbers, risk mark, title, kind line and details."""
    text_colour = FADED_TEXT if faded else "#111827"
    rows = []
    if marks:
        visits = "  ".join(f"#{mark.order} {mark.clock}".strip() for mark in marks)
        rows.append(_row(f'<FONT COLOR="white"><B>{dot_html(visits)}</B></FONT>', bgcolor="#1d4ed8"))
    mark = risk_mark(node, approver)
    if mark:
        bg = FADED_TEXT if faded else LOOKS["action-irreversible" if node.is_irreversible
                                               else "action-risky"].border
        rows.append(_row(f'<FONT COLOR="white"><B>{dot_html(mark)}</B></FONT>', bgcolor=bg))
    title = html_lines(wrap(node.title, TITLE_WIDTH))
    rows.append(_row(f'<FONT COLOR="{text_colour}"><B>{title}</B></FONT>'))
    rows.append(_row(_small(dot_html(kind_line(node)), FADED_TEXT if faded else "#4b5563")))
    for prefix, text in details(node):
        lines = wrap(prefix + text, DETAIL_WIDTH, DETAIL_LINES)
        rows.append(_row(_small(html_lines(lines), text_colour), align="LEFT"))
    return f"<{_TABLE}{''.join(rows)}</TABLE>>"


def simple_label(title: str, subtitle: str, faded: bool = False) -> str:
    """A label for the nodes that are not runbook nodes: the symptom, links, missing targets."""
    colour = FADED_TEXT if faded else "#111827"
    rows = [_row(f'<FONT COLOR="{colour}"><B>{html_lines(wrap(title, TITLE_WIDTH))}</B></FONT>')]
    if subtitle:
        lines = html_lines(wrap(subtitle, DETAIL_WIDTH, DETAIL_LINES))
        rows.append(_row(_small(lines, FADED_TEXT if faded else "#4b5563")))
    return f"<{_TABLE}{''.join(rows)}</TABLE>>"


def edge_label(label: str, marks: tuple[EdgeMark, ...] = ()) -> str:
    """An answer on an edge; on an incident's path also the step numbers, times and approvals."""
    if not marks:
        return f"<{dot_html(label)}>" if label != "next" else "<>"
    parts = []
    for mark in marks:
        line = f"#{mark.order} {mark.answer} {mark.clock}".strip()
        approved = f"approved by {', '.join(mark.approvers)}" if mark.approvers else ""
        parts.append(f"<B>{dot_html(line)}</B>" + (f"<BR/>{dot_html(approved)}" if approved else ""))
    return "<" + "<BR/>".join(parts) + ">"


def header_label(runbook: Runbook, looks: list[Look], incident: str | None) -> str:
    """The graph's caption: title, service and severity, the incident if any, and the legend."""
    severity = runbook.default_severity or "none"
    facts = f"{runbook.service} - default {severity} - owners: {', '.join(runbook.owners)}"
    rows = [
        f'<TR><TD COLSPAN="{max(len(looks), 1)}"><FONT POINT-SIZE="14"><B>'
        f"{dot_html(runbook.title)}</B></FONT></TD></TR>",
        f'<TR><TD COLSPAN="{max(len(looks), 1)}">{_small(dot_html(facts))}</TD></TR>',
    ]
    if incident:
        path = f"Path taken during {incident} (numbered steps, times in UTC; faded: not taken)"
        rows.append(f'<TR><TD COLSPAN="{max(len(looks), 1)}">{_small(dot_html(path), "#1d4ed8")}</TD></TR>')
    if looks:
        cells = "".join(
            f'<TD BGCOLOR="{look.fill}" COLOR="{look.border}" BORDER="1">'
            f"{_small(dot_html(look.legend), '#111827')}</TD>"
            for look in looks
        )
        rows.append(f"<TR>{cells}</TR>")
    return f'<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3">{"".join(rows)}</TABLE>>'
