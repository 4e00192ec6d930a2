"""Guided input on the walk screen's one input line: a form asks its fields one after another.

Each field may be prefilled (a status update starts from what the timeline already knows), may
offer completions, and may check its value; Esc abandons the form, Enter accepts a field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from runbook_engine.frozen import frozen

Check = Callable[[str], "str | None"]
"""Returns a message saying what is wrong with a value, or None when it is fine."""


@frozen
class Field:
    """One input of a form: its prompt, default, choices, whether required and its check."""

    name: str
    prompt: str
    default: str = ""
    choices: tuple[str, ...] = ()
    required: bool = True
    check: Check | None = None

    def problem(self, value: str) -> str | None:
        if not value and self.required:
            return f"{self.prompt.rstrip(': ')} is needed (Esc to cancel)"
        if value and self.choices and value not in self.choices:
            return "pick one of: " + ", ".join(self.choices)
        return self.check(value) if self.check is not None and value else None


@dataclass
class Form:
    """A short sequence of fields; `on_done` receives the values once the last one is accepted."""

    title: str
    fields: tuple[Field, ...]
    on_done: Callable[[dict[str, str]], None]
    values: dict[str, str] = field(default_factory=dict)
    index: int = 0

    @property
    def current(self) -> Field:
        return self.fields[self.index]

    @property
    def finished(self) -> bool:
        return self.index >= len(self.fields)

    def submit(self, text: str) -> str | None:
        """Accept a value for the current field; returns a problem to show, or None."""
        value = text.strip()
        problem = self.current.problem(value)
        if problem is not None:
            return problem
        self.values[self.current.name] = value
        self.index += 1
        if self.finished:
            self.on_done(dict(self.values))
        return None


def yes_no(prompt: str) -> Field:
    return Field("confirm", prompt, "", ("y", "n", "yes", "no"))


def is_yes(value: str) -> bool:
    return value.lower() in ("y", "yes")
