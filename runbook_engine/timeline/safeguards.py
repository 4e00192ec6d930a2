"""What keeps a store append-only besides the hash chain, found as data for `verify` and `store check`."""

from __future__ import annotations

from enum import Enum

from runbook_engine.frozen import frozen


class Level(str, Enum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@frozen
class Finding:
    """One thing looked at: what (`topic`), how it stands, in words, and what to do about it."""

    topic: str
    level: Level
    detail: str
    hint: str = ""

    @property
    def ok(self) -> bool:
        return self.level is not Level.PROBLEM


def problems(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level is Level.PROBLEM]
