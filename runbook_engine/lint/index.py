"""The library index: the little each file leaves behind for cross-runbook rules (ids and links).

Files are linted one at a time (possibly in worker processes) and then forgotten; only these
entries, with positions already resolved, stay in memory for the rules that span the library.
"""

from __future__ import annotations

from runbook_engine.findings import Position
from runbook_engine.format.model import Link
from runbook_engine.frozen import frozen
from runbook_engine.lint.context import RunbookContext, suppressed_codes


@frozen(slots=True)
class LinkRef:
    """A `runbook:` reference from one node, where it is written and what the node suppresses."""

    node: str
    link: Link
    position: Position
    suppressed: frozenset[str] = frozenset()


@frozen(slots=True)
class IndexEntry:
    """One runbook file as the library sees it.

    Node ids are kept as one newline-joined string rather than a set of forty strings: the index
    is the only thing that grows with the library, and reading a file again in the main process
    only because some `id#node` link points into it cost a quarter of a library lint.
    """

    path: str
    id: str
    id_position: Position
    links: tuple[LinkRef, ...] = ()
    node_ids: str | None = None

    def has_node(self, node_id: str) -> bool:
        """Whether the runbook has this node; True when its ids were not kept (no false alarm)."""
        return self.node_ids is None or f"\n{node_id}\n" in f"\n{self.node_ids}\n"


@frozen
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
        links=links,
        node_ids="\n".join(runbook.nodes),
    )
