"""The runbook as typed, immutable data: nodes, edges, steps and signals, built from loaded YAML.

Building is pure and tolerant: it never raises on odd shapes (the schema reports those) so that
graph rules can still run on a runbook whose prose has schema problems.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from typing import TYPE_CHECKING, Any

from runbook_engine.format.raw import duration as _duration
from runbook_engine.format.raw import items as _list
from runbook_engine.format.raw import mapping as _mapping
from runbook_engine.format.raw import strings as _strings
from runbook_engine.format.raw import text as _str
from runbook_engine.format.shapes import (
    AlertVariant,
    Approval,
    Repeat,
    alerts_from,
    approval_from,
    repeat_from,
)
from runbook_engine.format.steps import (
    Gather,
    Irreversible,
    Rollback,
    Signal,
    Stage,
    Step,
    irreversible_from,
    rollback_from,
    signal_from,
    stage_from,
    step_from,
)
from runbook_engine.frozen import frozen

if TYPE_CHECKING:
    from runbook_engine.findings import DocPath

NODE_KINDS = (
    "check", "cause", "action", "wait", "escalate", "handoff", "resolve", "cleanup", "todo", "gather"
)
TERMINAL_KINDS = frozenset({"resolve", "handoff", "todo"})
EDGE_FIELDS = {
    "check": "answers", "cause": "answers", "wait": "answers", "gather": "answers", "action": "outcomes"
}
"""Which field holds a node's labelled exits; cleanup and escalate use a single `next`."""

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")


@frozen
class Link:
    """A reference to another runbook, optionally to one of its nodes (`id#node`)."""

    runbook: str
    node: str | None = None

    @classmethod
    def parse(cls, text: str) -> Link:
        runbook, _, node = text.partition("#")
        return cls(runbook, node or None)

    def __str__(self) -> str:
        return f"{self.runbook}#{self.node}" if self.node else self.runbook


@frozen
class Edge:
    """An exit of a node: the answer label, the target node and where it is written."""

    label: str
    target: str
    path: DocPath




@frozen
class Node:
    """One node of the decision tree: what it says, where it leads and what it runs."""

    id: str
    kind: str
    text: str
    title: str
    signal: Signal | None = None
    step: Step | None = None
    stages: tuple[Stage, ...] = ()
    risk: str | None = None
    rollback: Rollback | None = None
    irreversible: Irreversible | None = None
    verify: str = ""
    edges: tuple[Edge, ...] = ()
    link: Link | None = None
    team: str = ""
    duration_s: int | None = None
    monitoring_s: int | None = None
    cleanup: tuple[str, ...] = ()
    suppressions: Mapping[str, str] | None = None
    notes: str = ""
    strategy: str = ""
    """An action's declared mitigation strategy: rollback, fix-forward or degrade (or empty)."""
    effect: str = "change"
    """An action's effect: change (under change control), coordination or observation."""
    owner: str = ""
    repeat: Repeat | None = None
    approval: Approval | None = None
    document: str = ""
    """A handoff's or escalation's outside document: an http(s) URL or `wiki:` path."""
    see_also: tuple[str, ...] = ()
    gathers: tuple[Gather, ...] = ()
    """A gather node's checks: answered in any order, each with evidence, before the decision."""

    @property
    def path(self) -> DocPath:
        return ("nodes", self.id)

    @property
    def is_change(self) -> bool:
        """Whether walking this node is a change under change control: an action that changes
        production, or a check or cleanup declared risky (a diagnostic or revert with side effects)."""
        if self.kind == "action":
            return self.effect == "change"
        return self.kind in ("check", "cleanup") and self.is_risky

    @property
    def is_risky(self) -> bool:
        return self.risk == "risky"

    @property
    def is_irreversible(self) -> bool:
        return self.risk == "risky" and self.irreversible is not None

    @property
    def is_terminal(self) -> bool:
        """A node where a walk of this runbook ends (escalations without `next` end it too)."""
        return self.kind in TERMINAL_KINDS or (self.kind == "escalate" and not self.edges)

    @property
    def badge(self) -> str:
        """SAFE, RISKY or IRREVERSIBLE for steps that change the system; empty otherwise."""
        if self.is_irreversible:
            return "IRREVERSIBLE"
        if self.is_risky:
            return "RISKY"
        if self.kind == "action" and self.effect != "change":
            return self.effect.upper()
        return "SAFE" if self.kind in ("action", "cleanup") or self.risk == "safe" else ""

    def target(self, label: str) -> str | None:
        return next((edge.target for edge in self.edges if edge.label == label), None)


@frozen
class Symptom:
    """What pages: the summary, the alerts and their variants, the impact."""

    summary: str
    alerts: tuple[str, ...] = ()
    impact: str = ""
    variants: tuple[AlertVariant, ...] = ()
    """Every alert as written, with the threshold, `for` and severity a variant declares."""


@frozen
class Runbook:
    """A whole runbook: its identity, its owners and severity, its symptom and its nodes."""

    id: str
    title: str
    service: str
    owners: tuple[str, ...]
    severity: str
    symptom: Symptom
    start: str
    nodes: Mapping[str, Node]
    source: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def severity_for(self, alert: str) -> str | None:
        """The severity an incident paged by `alert` opens at: the variant's own, else the runbook's
        default; None when the runbook lists no such alert."""
        variant = next((v for v in self.symptom.variants if v.name == alert), None)
        return None if variant is None else (variant.severity or self.default_severity)

    @property
    def default_severity(self) -> str:
        """The declared severity, else the most severe alert variant's, else empty (ask)."""
        declared = sorted(v.severity for v in self.symptom.variants if v.severity in SEVERITIES)
        return self.severity or (declared[0] if declared else "")

    def links(self) -> list[tuple[Node, Link]]:
        """Every reference from this runbook to another one."""
        return [(node, node.link) for node in self.nodes.values() if node.link is not None]


def runbook_from_data(
    data: Mapping[str, Any], source: str = "", *, lazy: bool = False, nodes: Mapping[str, Node] | None = None
) -> Runbook:
    """Build a Runbook from loaded YAML; missing or odd fields become empty values.

    Loaded data is plain dicts and lists (from the loader or the JSON cache), so the checks below
    ask for `dict`: `isinstance(x, Mapping)` goes through the ABC machinery, several times slower,
    and this runs for every field of every node when a 5,000-node runbook is drawn. `lazy` builds
    each node when first asked for (a walk shows a handful of a big runbook's nodes); `nodes`, when
    given, are used instead of `data["nodes"]` (the validation cache's, parsed when first asked for).
    """
    if nodes is None:
        by_id = node_data(data)
        nodes = LazyNodes(by_id) if lazy else {key: node_from_data(key, raw) for key, raw in by_id.items()}
    symptom = _mapping(data.get("symptom"))
    variants = alerts_from(symptom.get("alerts"))
    return Runbook(
        id=_str(data.get("id")),
        title=_str(data.get("title")),
        service=_str(data.get("service")),
        owners=_strings(data.get("owners")),
        severity=_str(data.get("severity")),
        symptom=Symptom(
            _str(symptom.get("summary")),
            tuple(variant.name for variant in variants),
            _str(symptom.get("impact")),
            variants,
        ),
        start=_str(data.get("start")),
        nodes=nodes,
        source=source,
        description=_str(data.get("description")),
        tags=_strings(data.get("tags")),
    )


def node_data(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each node's loaded data by id: what is not a mapping is no node."""
    raw_nodes = data.get("nodes")
    return {
        str(node_id): fields
        for node_id, fields in (raw_nodes.items() if isinstance(raw_nodes, dict) else ())
        if isinstance(fields, dict)
    }


class LazyNodes(Mapping[str, Node]):
    """Nodes by id, each built from its data on first access; iterating them all builds them all."""

    def __init__(self, raw: Mapping[str, Mapping[str, Any]]) -> None:
        self._raw = raw
        self._built: dict[str, Node] = {}

    def __getitem__(self, node_id: str) -> Node:
        node = self._built.get(node_id)
        if node is None:
            node = self._built[node_id] = node_from_data(node_id, self._raw[node_id])
        return node

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def values(self) -> ValuesView[Node]:
        return self._every().values()

    def items(self) -> ItemsView[str, Node]:
        return self._every().items()

    def _every(self) -> dict[str, Node]:
        """All nodes, in file order, as a plain dict (kept: later passes pay no lookups)."""
        if len(self._built) != len(self._raw) or list(self._built) != list(self._raw):
            self._built = {node_id: self[node_id] for node_id in self._raw}
        return self._built


def node_from_data(node_id: str, raw: Mapping[str, Any]) -> Node:
    kind = _str(raw.get("kind"))
    link = raw.get("runbook")
    return Node(
        id=node_id,
        kind=kind,
        text=_str(raw.get("text")),
        title=_str(raw.get("title")) or node_id,
        signal=signal_from(raw.get("signal")),
        step=step_from(raw.get("step")),
        stages=tuple(stage_from(item) for item in _list(raw.get("stages")) if isinstance(item, dict)),
        risk=_str(raw.get("risk")) or None,
        rollback=rollback_from(raw.get("rollback")),
        irreversible=irreversible_from(raw.get("irreversible")),
        verify=_str(raw.get("verify")),
        edges=_edges(node_id, kind, raw),
        link=Link.parse(link) if isinstance(link, str) and link else None,
        team=_str(raw.get("team")),
        duration_s=_duration(raw.get("duration")),
        monitoring_s=_duration(raw.get("monitoring")),
        cleanup=_strings(raw.get("cleanup")),
        suppressions=_suppressions(raw.get("suppress")),
        notes=_str(raw.get("notes")),
        strategy=_str(raw.get("strategy")),
        effect=_str(raw.get("effect")) or "change",
        owner=_str(raw.get("owner")),
        repeat=repeat_from(raw.get("repeat")),
        approval=approval_from(raw.get("approval")),
        document=_str(raw.get("document")),
        see_also=_strings(raw.get("see_also")),
        gathers=tuple(
            Gather(str(name), _str(item.get("text")), signal_from(item.get("signal")))
            for name, item in _mapping(raw.get("checks")).items()
            if isinstance(item, dict)
        ),
    )


def _edges(node_id: str, kind: str, raw: Mapping[str, Any]) -> tuple[Edge, ...]:
    field = EDGE_FIELDS.get(kind)
    if kind == "action" and "outcomes" not in raw and "next" in raw:
        field = None  # a coordination or observation step leads on with one `next`
    if field is not None:
        exits = _mapping(raw.get(field))
        return tuple(
            Edge(str(label), target, ("nodes", node_id, field, str(label)))
            for label, target in exits.items()
            if isinstance(target, str)
        )
    target = raw.get("next")
    if isinstance(target, str):
        label = "done" if kind == "action" else "next"  # a task or observation is done, then on
        return (Edge(label, target, ("nodes", node_id, "next")),)
    return ()


def _suppressions(raw: Any) -> Mapping[str, str] | None:
    items = [item for item in _list(raw) if isinstance(item, dict)]
    return {_str(item.get("rule")): _str(item.get("reason")) for item in items} or None
