"""The library index: the little each file leaves behind for cross-runbook rules (ids and links).

Files are linted one at a time (possibly in worker processes) and then forgotten; only these
entries, with positions already resolved, stay in memory for the rules that span the library.
"""

from __future__ import annotations

from dataclasses import dataclass

from runbook_engine.findings import Position
from runbook_engine.lint.context import RunbookContext, suppressed_codes
from runbook_engine.model import Link


@dataclass(frozen=True)
class LinkRef:
    """A `runbook:` reference from one node, where it is written and what the node suppresses."""

    node: str
    link: Link
    position: Position
    suppressed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IndexEntry:
    """One runbook file as the library sees it.

    Node ids are kept as one newline-joined string: a set of forty strings per file would make
    the index, the only thing that grows with the library, ten times larger.
    """

    path: str
    id: str
    id_position: Position
    node_ids: str
    links: tuple[LinkRef, ...] = ()

    def has_node(self, node_id: str) -> bool:
        return f"\n{node_id}\n" in f"\n{self.node_ids}\n"


@dataclass(frozen=True)
class Located:
    """A library rule's finding before the engine adds code and severity."""

    path: str
    position: Position
    message: str
    hint: str = ""
    node: str | None = None


def index_entry(ctx: RunbookContext) -> IndexEntry:
    runbook = ctx.runbook
    links = tuple(
        LinkRef(
            node.id,
            link,
            ctx.document.locate((*node.path, "runbook")),
            suppressed_codes(node),
        )
        for node, link in runbook.links()
    )
    return IndexEntry(
        path=ctx.document.path,
        id=runbook.id,
        id_position=ctx.document.locate(("id",)),
        node_ids="\n".join(runbook.nodes),
        links=links,
    )
