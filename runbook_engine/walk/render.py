"""A node's view as formatted text: what the body of the walk screen shows (pure)."""

from __future__ import annotations

import textwrap

from prompt_toolkit.utils import get_cwidth

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Node
from runbook_engine.format.steps import Signal, Step
from runbook_engine.terminal_text import visible
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.state import Change
from runbook_engine.walk.view import Choice, Move, NodeView, Phase

Fragments = list[tuple[str, str]]
LABEL_WIDTH = 10
GATE_LABEL_WIDTH = 26
GATE_DETAIL_CHARS = 46
"""The gate's detail column on an 80-column screen; wider screens show more of each detail."""

PHASE_HINTS = {
    Phase.AWAITING_APPROVAL: "Waiting for approval; the screen updates by itself when it comes.",
    Phase.IN_FLIGHT: "The change is running: watch the signal, then pick what happened.",
    Phase.MONITORING: "Monitoring: keep watching the signals until the window ends.",
    Phase.RESOLVED: "The incident is resolved. Add follow-ups with `action`, or quit.",
    Phase.END: "This runbook ends here. Keep the timeline going with notes and updates.",
}


def node_body(view: NodeView, can_run: bool = False, width: int = 80) -> Fragments:
    """The body for `view` on a screen `width` columns wide: heading, text, gate and change, then
    signal and steps."""
    node = view.node
    out: Fragments = _heading(node)
    out += [("class:text", node.text + "\n")]
    if view.seconds_left is not None:
        out += _line("Time left", _countdown(view.seconds_left))
    elif view.seconds_waited is not None:
        waited = format_duration(view.seconds_waited)
        out += _line("Waiting", f"{waited} so far (no bound: decide when to stop)")
    out += _status(view, gate_detail_chars(width))
    out += _gathers(view)
    return out + _signal(node) + _steps(node, can_run) + _where_next(node)


def gate_detail_chars(width: int) -> int:
    """How much of a gate item's detail fits on one line beside its mark and label."""
    return max(GATE_DETAIL_CHARS, width - len(" [ok] ") - GATE_LABEL_WIDTH - 1)


def _status(view: NodeView, detail_chars: int = GATE_DETAIL_CHARS) -> Fragments:
    """What stands between the walker and the next move: gate, warnings, the change, a hint.

    It comes right after the node's text so that it stays on a 24-line screen.
    """
    out: Fragments = []
    if view.gate:
        out += [("class:section", "Before this risky change\n")]
        for item in view.gate:
            mark = ("class:ok", " [ok] ") if item.ok else ("class:missing", " [..] ")
            detail = textwrap.shorten(item.detail, detail_chars, placeholder="...")
            out += [mark, ("class:label", item.label.ljust(GATE_LABEL_WIDTH)), ("", detail + "\n")]
    if view.notice:
        out += [("class:notice", "! " + view.notice + "\n")]
    if view.change is not None:
        out += [("class:change", _change_line(view.change) + "\n")]
    hint = PHASE_HINTS.get(view.phase)
    if hint:
        out += [("class:hint", hint + "\n")]
    return [("", "\n"), *out] if out else out


def choices_block(view: NodeView) -> Fragments:
    """The numbered choices, kept apart from the body so they stay on screen while it scrolls."""
    if not view.choices:
        return [("class:hint", "  (nothing to pick here: type a command, `help` lists them)")]
    out: Fragments = [("class:section", "What next? press a number, or type (Tab completes)\n")]
    return [*out, *_choices(view.choices)[:-1]]


def _heading(node: Node) -> Fragments:
    out: Fragments = [("class:kind", f" {node.kind.upper()} ")]
    if node.badge:
        out += [("", " "), (f"class:badge.{node.badge.lower()}", f" {node.badge} ")]
    return [*out, ("", " "), ("class:title", node.title + "\n")]


def _line(label: str, value: str, style: str = "") -> Fragments:
    """A labelled line; a label as long as the column still gets a space before its value."""
    return [("class:label", (label + " ").ljust(LABEL_WIDTH) if label else " " * LABEL_WIDTH),
            (style, value + "\n")]


def _gathers(view: NodeView) -> Fragments:
    """A gather node's checks: answered ones with their evidence, the others still open."""
    if not view.node.gathers:
        return []
    seen = dict(view.gathered)
    heading = f"Gather ({len(seen)} of {len(view.node.gathers)}), then decide\n"
    out: Fragments = [("", "\n"), ("class:section", heading)]
    for item in view.node.gathers:
        mark = ("class:ok", " [ok] ") if item.name in seen else ("class:missing", " [..] ")
        detail = seen.get(item.name) or item.text + _where_to_look(item.signal)
        out += [mark, ("class:label", item.name.ljust(LABEL_WIDTH + 6)), ("", detail + "\n")]
    return out


def _where_to_look(signal: Signal | None) -> str:
    return f" ({signal.query or signal.link or signal.text})" if signal is not None else ""


def _signal(node: Node) -> Fragments:
    signal = node.signal
    if signal is None:
        return []
    out: Fragments = [("", "\n")]
    if signal.query:
        out += _line("Look at", f"{signal.kind}: {signal.query}" if signal.kind else signal.query)
    if signal.text:
        out += _line("Signal", signal.text)
    if signal.link:
        out += _line("Link", signal.link, "class:link")
    if signal.expect:
        out += _line("Expect", signal.expect)
    return out


def _steps(node: Node, can_run: bool) -> Fragments:
    out: Fragments = []
    if node.step is not None:
        out += [("", "\n"), *_step_line("Do", node.step, can_run)]
    for number, stage in enumerate(node.stages, start=1):
        label = f"Stage {number}"
        if stage.step is not None:
            out += _step_line(label, stage.step, can_run, stage.name)
        if stage.verify:
            out += _line("", f"verify: {stage.verify}")
    if node.rollback is not None:
        out += _line("Rollback", node.rollback.text)
        if node.rollback.step is not None:
            out += _line("", node.rollback.step.describe(), "class:command")
    if node.irreversible is not None:
        out += _line("Cannot undo", node.irreversible.consequence, "class:missing")
    if node.irreversible is not None and node.irreversible.precheck:
        out += _line("Precheck", node.irreversible.precheck)
    if node.verify:
        out += _line("Verify", node.verify)
    if node.strategy:
        out += _line("Strategy", node.strategy)
    if node.repeat is not None:
        out += _line("Repeat", node.repeat.describe() + " (one approval covers every repetition)")
    if node.approval is not None:
        who = ", else ".join(role_name(role) for role in node.approval.any_of)
        count = node.approval.count
        out += _line("Approver", who if count == 1 else f"{count} distinct approvers from {who}")
    if node.kind == "action" and node.effect == "coordination":
        out += _line("Owner", node.owner or "you (whoever walks)")
    return out


STEP_KIND_LABELS = {"shell": "SHELL /bin/sh -c", "url": "open", "manual": "by hand"}


def _step_line(label: str, step: Step, can_run: bool, name: str = "") -> Fragments:
    """A step as a person reads or copies it: commands and shell scripts shell-quoted (a paste runs
    exactly the runbook's step), code in another language verbatim, with what it is for."""
    prefix = f"{name}: " if name else ""
    kind = step.language if step.kind == "code" else STEP_KIND_LABELS.get(step.kind, step.kind)
    runs = step.kind in ("command", "shell")
    style = "class:command" if runs or step.kind == "code" else ""
    suffix = "  (can run from here)" if runs and step.runnable and can_run else ""
    shown = step.describe() if runs or "\n" not in step.describe() else "\n" + step.describe()
    marker = f"[{kind}] " if step.kind != "command" else ""
    return _line(label, prefix + marker + shown + suffix, style)


def _where_next(node: Node) -> Fragments:
    out: Fragments = []
    if node.team:
        out += _line("Page", node.team)
    if node.link is not None:
        out += _line("Continue", f"runbook {node.link}")
    if node.document:
        out += _line("Continue", f"open {node.document}", "class:link")
    for document in node.see_also:
        out += _line("See also", document, "class:link")
    if node.cleanup:
        out += _line("Owes", "cleanup: " + ", ".join(node.cleanup))
    return out


def _change_line(change: Change) -> str:
    text = f"Change {change.change_id} ({change.status.replace('_', ' ')})"
    if change.approved_by:
        text += f", approved by @{change.approved_by}"
    if change.denied_by:
        text += f", denied by @{change.denied_by}: {change.denial_reason}"
    return text


def _choices(choices: tuple[Choice, ...]) -> Fragments:
    width = max(len(choice.label) for choice in choices)
    out: Fragments = []
    for choice in choices:
        out += [("class:key", f"  {choice.key} "), ("class:answer", f" {choice.label.ljust(width)}")]
        if choice.move is Move.ANSWER:
            out += [("class:arrow", "  -> "), ("", choice.target_title)]
        else:
            out += [("class:hint", "  " + choice.hint)]
        out.append(("", "\n"))
    return out


def _countdown(seconds: float) -> str:
    if seconds <= 0:
        return f"over ({format_duration(-seconds)} ago)"
    return format_duration(seconds)


def wrap(fragments: Fragments, width: int) -> Fragments:
    """Word-wrap styled text to `width` columns, continuing a labelled line under its value.

    Control characters are made visible first, so they are counted at the width they show; a
    wide character (CJK, most emoji) counts two columns, a combining one none."""
    out: Fragments = []
    lines = _split([(style, visible(text)) for style, text in fragments])
    for number, line in enumerate(lines):
        chars = [(style, char) for style, text in line for char in text]
        lead = sum(len(text) for _, text in line[:-1])
        indent = lead if len(line) > 1 and lead <= width // 2 else 0
        for row in _rows(chars, width, indent):
            out += [*_join(row), ("", "\n")]
        if number == len(lines) - 1 and out:
            out.pop()
    return out


def _split(fragments: Fragments) -> list[Fragments]:
    lines: list[Fragments] = [[]]
    for style, text in fragments:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append((style, part))
    return lines


def _rows(chars: list[tuple[str, str]], width: int, indent: int) -> list[list[tuple[str, str]]]:
    rows: list[list[tuple[str, str]]] = []
    narrow = all(char.isascii() and char != "\t" for _, char in chars)  # one column each
    while (len(chars) if narrow else _columns(chars)) > width > indent + 10:
        fit = width if narrow else _fitting(chars, width)
        spaces = [i for i in range(indent + 1, fit + 1) if i < len(chars) and chars[i][1] == " "]
        cut = spaces[-1] if spaces else fit
        rows.append(chars[:cut])
        rest = chars[cut + 1 :] if spaces else chars[cut:]
        chars = [("", " ")] * indent + rest
    rows.append(chars)
    return rows


def _columns(chars: list[tuple[str, str]]) -> int:
    return sum(_cells(char) for _, char in chars)


def _fitting(chars: list[tuple[str, str]], width: int) -> int:
    """How many of `chars`, from the first, fit in `width` columns."""
    used = 0
    for count, (_, char) in enumerate(chars):
        used += _cells(char)
        if used > width:
            return count
    return len(chars)


def _cells(char: str) -> int:
    """The columns a character takes on screen (a tab is shown as ^I)."""
    return 2 if char == "\t" else get_cwidth(char)


def _join(chars: list[tuple[str, str]]) -> Fragments:
    out: Fragments = []
    for style, char in chars:
        if out and out[-1][0] == style:
            out[-1] = (style, out[-1][1] + char)
        else:
            out.append((style, char))
    return out
