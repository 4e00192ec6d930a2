"""Shared by the RB1xx rules: schema issues of one kind, minus those a safety rule explains better."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from runbook_engine.findings import Issue
from runbook_engine.lint.context import RunbookContext

OWNED_ELSEWHERE = frozenset({("owners",), ("severity",)})
"""Missing owners are RB306's and an unknown severity is RB307's; the schema rules stay quiet."""
ABSENCE = frozenset({"required", "enum", "minItems", "minLength"})


def issues_of(ctx: RunbookContext, keywords: Collection[str], *, inverse: bool = False) -> Iterator[Issue]:
    for keyword, issue in ctx.schema:
        if (keyword in keywords) == inverse:
            continue
        if keyword in ABSENCE and issue.path[:1] in OWNED_ELSEWHERE:
            continue
        yield issue
