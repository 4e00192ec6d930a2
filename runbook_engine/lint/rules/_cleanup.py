"""What RB308 and RB314 share: the endings a node's owed cleanup can be skipped on the way to."""

from __future__ import annotations

from collections.abc import Iterator, Set

from runbook_engine.format.model import Node
from runbook_engine.frozen import frozen
from runbook_engine.lint.context import RunbookContext, descendants


@frozen
class SkippedCleanup:
    """A cleanup owed at `node` (its `index`-th) that a path to `ending` never passes."""

    node: Node
    index: int
    owed: str
    ending: str
    """The first (by id) of the endings reachable from `node` without passing `owed`."""


def skipped_cleanups(ctx: RunbookContext, endings: Set[str]) -> Iterator[SkippedCleanup]:
    """Each owed cleanup that some path from its node to one of `endings` never passes."""
    for node in ctx.nodes():
        for index, owed in enumerate(node.cleanup):
            if owed not in ctx.runbook.nodes or owed == node.id:
                continue
            skipped = descendants(ctx.graph, node.id, avoid=owed) & endings
            if skipped:
                yield SkippedCleanup(node, index, owed, min(skipped))
