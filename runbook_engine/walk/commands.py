"""The words typed at any walk prompt: the command table, its help, and parsing a typed line."""

from __future__ import annotations

from runbook_engine.frozen import frozen
from runbook_engine.walk.view import Choice, NodeView

COMMANDS: dict[str, str] = {
    "note": "note TEXT         add a note to the timeline",
    "hypothesis": "hypothesis TEXT   state what you think is wrong (risky changes test one)",
    "evidence": "evidence TEXT     record what you saw at this node (a value or a link)",
    "back": "back              go back to the previous node",
    "where": "where             the path walked so far",
    "timeline": "timeline          the latest timeline lines",
    "update": "update            post a status update, prefilled from the incident",
    "sev": "sev               change the severity (with a reason)",
    "handover": "handover          hand a role (IC, comms, ops...) to someone else",
    "action": "action            add an action item: owner, due date, bucket",
    "help": "help              this list",
    "quit": "quit              leave; everything is already in the timeline",
}

ALIASES = {"q": "quit", "exit": "quit", "?": "help"}

KEYS_HELP = (
    "number keys         pick an answer or move",
    "Tab                 complete an answer or a command",
    "Enter               accept what is typed",
    "Esc                 cancel a question or close this panel",
    "PgUp / PgDn         scroll the node text",
    "Ctrl-C / Ctrl-D     quit (nothing is lost; walk again to resume)",
)


@frozen
class Typed:
    """What a line means: a command with its argument, a choice, or nothing recognised."""

    command: str | None = None
    argument: str = ""
    choice: Choice | None = None

    @property
    def unknown(self) -> bool:
        return self.command is None and self.choice is None


def parse(text: str, view: NodeView) -> Typed:
    """A choice wins when the whole line is its key or label; otherwise the first word decides."""
    line = text.strip()
    if not line:
        return Typed()
    choice = view.choice(line)
    word, _, rest = line.partition(" ")
    name = ALIASES.get(word.lower(), word.lower())
    if name in COMMANDS and (choice is None or choice.label != line):
        return Typed(name, rest.strip())
    return Typed(choice=choice)


def words(view: NodeView) -> list[str]:
    """Completions at this node: the answers first, then every command."""
    return [choice.label for choice in view.choices] + list(COMMANDS)


def help_lines() -> list[str]:
    return ["Commands (type them at any prompt):", *COMMANDS.values(), "", "Keys:", *KEYS_HELP]
