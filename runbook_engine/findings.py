"""Findings: what a check says about a file, as frozen data that reporters turn into text."""

from __future__ import annotations

import enum

from runbook_engine.frozen import frozen


class Severity(str, enum.Enum):
    """How bad a finding is; `off` silences a rule through configuration."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


@frozen(order=True)
class Position:
    """A 1-based line and column in a source file."""

    line: int = 1
    column: int = 1


@frozen
class Finding:
    """One problem at one place: `path:line:col: CODE message`, with a hint on how to fix it."""

    path: str
    position: Position
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    node: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.position.line, self.position.column, self.code)


DocPath = tuple[str | int, ...]


@frozen
class Issue:
    """What a rule reports: where in the document (a data path) and what; the engine adds the rest.

    Rules never compute line numbers: the engine maps `path` to a position through the loaded
    document, so clean files never pay for positions. `key=True` points at the key, not its value.
    """

    path: DocPath
    message: str
    hint: str = ""
    key: bool = False
    node: str | None = None
