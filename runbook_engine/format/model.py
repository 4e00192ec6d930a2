"""The runbook as typed, immutable data: nodes, edges, steps and signals, built from loaded YAML.

Building is pure and tolerant: it never raises on odd shapes (the schema reports those) so that
graph rules can still run on a runbook whose prose has schema problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runbook_engine.format.command_line import copyable
from runbook_engine.format.durations import parse_duration

if TYPE_CHECKING:
    from runbook_engine.findings import DocPath

NODE_KINDS = ("check", "cause", "action", "wait", "escalate", "handoff", "resolve", "cleanup")
TERMINAL_KINDS = frozenset({"resolve", "handoff"})
EDGE_FIELDS = {"check": "answers", "cause": "answers", "wait": "answers", "action": "outcomes"}
"""Which field holds a node's labelled exits; cleanup and escalate use a single `next`."""

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")


@dataclass(frozen=True)
class Signal:
    """Where to look: a metric, query, log search or dashboard, and what to expect there."""

    kind: str
    query: str = ""
    link: str = ""
    expect: str = ""
    text: str = ""


@dataclass(frozen=True)
class Step:
    """What to do. Commands are argv lists and never go through a shell."""

    kind: str
    argv: tuple[str, ...] = ()
    url: str = ""
    query: str = ""
    text: str = ""
    timeout_s: int | None = None
    runnable: bool = False

    def describe(self) -> str:
        """One line a person can read or copy."""
        if self.kind == "command":
            return copyable(self.argv)
        return self.url or self.query or self.text


@dataclass(frozen=True)
class Stage:
    name: str
    step: Step | None
    verify: str = ""


@dataclass(frozen=True)
class Rollback:
    text: str
    step: Step | None = None


@dataclass(frozen=True)
class Irreversible:
    consequence: str
    precheck: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Edge:
    """An exit of a node: the answer label, the target node and where it is written."""

    label: str
    target: str
    path: DocPath


STRATEGIES = ("rollback", "fix-forward", "degrade")
"""The ways an action can mitigate, as the runbook schema's `strategy` names them."""


@dataclass(frozen=True)
class Node:
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

    @property
    def path(self) -> DocPath:
        return ("nodes", self.id)

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
        return "SAFE" if self.kind in ("action", "cleanup") or self.risk == "safe" else ""

    def target(self, label: str) -> str | None:
        return next((edge.target for edge in self.edges if edge.label == label), None)


@dataclass(frozen=True)
class Symptom:
    summary: str
    alerts: tuple[str, ...] = ()
    impact: str = ""


@dataclass(frozen=True)
class Runbook:
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

    def links(self) -> list[tuple[Node, Link]]:
        """Every reference from this runbook to another one."""
        return [(node, node.link) for node in self.nodes.values() if node.link is not None]


def runbook_from_data(data: Mapping[str, Any], source: str = "") -> Runbook:
    """Build a Runbook from loaded YAML; missing or odd fields become empty values.

    Loaded data is plain dicts and lists (from the loader or the JSON cache), so the checks below
    ask for `dict`: `isinstance(x, Mapping)` goes through the ABC machinery, several times slower,
    and this runs for every field of every node when a 5,000-node runbook is drawn.
    """
    raw_nodes = data.get("nodes")
    nodes = {
        str(node_id): node_from_data(str(node_id), raw)
        for node_id, raw in (raw_nodes.items() if isinstance(raw_nodes, dict) else ())
        if isinstance(raw, dict)
    }
    symptom = _mapping(data.get("symptom"))
    return Runbook(
        id=_str(data.get("id")),
        title=_str(data.get("title")),
        service=_str(data.get("service")),
        owners=_strings(data.get("owners")),
        severity=_str(data.get("severity")),
        symptom=Symptom(
            _str(symptom.get("summary")), _strings(symptom.get("alerts")), _str(symptom.get("impact"))
        ),
        start=_str(data.get("start")),
        nodes=nodes,
        source=source,
        description=_str(data.get("description")),
        tags=_strings(data.get("tags")),
    )


def node_from_data(node_id: str, raw: Mapping[str, Any]) -> Node:
    kind = _str(raw.get("kind"))
    link = raw.get("runbook")
    return Node(
        id=node_id,
        kind=kind,
        text=_str(raw.get("text")),
        title=_str(raw.get("title")) or node_id,
        signal=_signal(raw.get("signal")),
        step=_step(raw.get("step")),
        stages=tuple(_stage(item) for item in _list(raw.get("stages")) if isinstance(item, dict)),
        risk=_str(raw.get("risk")) or None,
        rollback=_rollback(raw.get("rollback")),
        irreversible=_irreversible(raw.get("irreversible")),
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
    )


def _edges(node_id: str, kind: str, raw: Mapping[str, Any]) -> tuple[Edge, ...]:
    field = EDGE_FIELDS.get(kind)
    if field is not None:
        exits = _mapping(raw.get(field))
        return tuple(
            Edge(str(label), target, ("nodes", node_id, field, str(label)))
            for label, target in exits.items()
            if isinstance(target, str)
        )
    target = raw.get("next")
    if isinstance(target, str):
        return (Edge("next", target, ("nodes", node_id, "next")),)
    return ()


def _signal(raw: Any) -> Signal | None:
    if not isinstance(raw, dict):
        return None
    return Signal(
        _str(raw.get("kind")),
        _str(raw.get("query")),
        _str(raw.get("link")),
        _str(raw.get("expect")),
        _str(raw.get("text")),
    )


def _step(raw: Any) -> Step | None:
    if not isinstance(raw, dict):
        return None
    return Step(
        kind=_str(raw.get("kind")),
        argv=tuple(str(arg) for arg in _list(raw.get("argv"))),
        url=_str(raw.get("url")),
        query=_str(raw.get("query")),
        text=_str(raw.get("text")),
        timeout_s=_duration(raw.get("timeout")),
        runnable=raw.get("runnable") is True,
    )


def _stage(raw: Mapping[str, Any]) -> Stage:
    return Stage(_str(raw.get("name")), _step(raw.get("step")), _str(raw.get("verify")))


def _rollback(raw: Any) -> Rollback | None:
    return Rollback(_str(raw.get("text")), _step(raw.get("step"))) if isinstance(raw, dict) else None


def _irreversible(raw: Any) -> Irreversible | None:
    if not isinstance(raw, dict):
        return None
    return Irreversible(_str(raw.get("consequence")), _str(raw.get("precheck")))


def _suppressions(raw: Any) -> Mapping[str, str] | None:
    items = [item for item in _list(raw) if isinstance(item, dict)]
    return {_str(item.get("rule")): _str(item.get("reason")) for item in items} or None


def _duration(raw: Any) -> int | None:
    try:
        return parse_duration(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _str(raw: Any) -> str:
    return raw if isinstance(raw, str) else ("" if raw is None else str(raw))


def _list(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else []


def _mapping(raw: Any) -> Mapping[str, Any]:
    return raw if isinstance(raw, dict) else {}


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in _list(raw) if isinstance(item, (str, int, float)))
