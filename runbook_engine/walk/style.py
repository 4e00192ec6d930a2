"""The walk screen's colours and emphasis, by style class (prompt-toolkit style rules)."""

from __future__ import annotations

from prompt_toolkit.styles import Style

STYLE = Style.from_dict(
    {
        "header": "reverse bold",
        "kind": "reverse bold",
        "title": "bold",
        "badge.safe": "bg:ansigreen fg:ansiblack bold",
        "badge.risky": "bg:ansiyellow fg:ansiblack bold reverse",
        "badge.irreversible": "bg:ansired fg:ansiwhite bold reverse",
        "label": "bold",
        "section": "bold underline",
        "command": "fg:ansicyan",
        "link": "fg:ansiblue underline",
        "ok": "fg:ansigreen bold",
        "missing": "fg:ansired bold",
        "notice": "fg:ansired bold",
        "change": "bold",
        "hint": "italic",
        "key": "reverse bold",
        "answer": "bold",
        "message.info": "",
        "message.error": "fg:ansired bold",
        "message.warning": "fg:ansiyellow bold",
        "message.event": "fg:ansimagenta",
        "prompt": "bold",
        "toolbar": "reverse",
        "toolbar.incident": "reverse bold",
        "toolbar.sev": "reverse bold",
        "toolbar.sev1": "bg:ansired fg:ansiwhite bold",
        "toolbar.overdue": "bg:ansired fg:ansiwhite bold",
        "toolbar.change": "reverse bold",
        "toolbar.pending": "bg:ansiyellow fg:ansiblack bold",
        "toolbar.phase": "reverse bold",
        "toolbar.sep": "reverse",
    }
)
