"""The runbook as typed, immutable data: nodes, edges, steps and signals, built from loaded YAML.

Building is pure and tolerant: it never raises on odd shapes (the schema reports those) so that
graph rules can still run on a runbook whose prose has schema problems.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, ValuesView
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runbook_engine.format.command_line import copyable
from runbook_engine.format.durations import parse_duration
from runbook_engine.format.shapes import (
    AlertVariant,
    Approval,
    Repeat,
    alerts_from,
    approval_from,
    repeat_from,
)

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


@dataclass(frozen=True)
class Signal:
    """Where to look: a metric, query, log search or dashboard, and what to expect there."""

    kind: str
    query: str = ""
    link: str = ""
    expect: str = ""
    text: str = ""


SHELL = ("/bin/sh", "-c")
"""How a declared `shell` step runs; nothing else ever goes through a shell."""


@dataclass(frozen=True)
class Step:
    """What to do. Commands are argv lists; only a declared `shell` step runs through /bin/sh -c."""

    kind: str
    argv: tuple[str, ...] = ()
    url: str = ""
    query: str = ""
    text: str = ""
    timeout_s: int | None = None
    runnable: bool = False
    script: str = ""
    language: str = ""
    code: str = ""

    @property
    def runs(self) -> tuple[str, ...]:
        """The argv a runnable step executes: its own argv, or /bin/sh -c SCRIPT for a shell step."""
        if self.kind == "shell":
            return (*SHELL, self.script) if self.script else ()
        return self.argv if self.kind == "command" else ()

    def describe(self) -> str:
        """One line a person can read or copy; commands are shell-quoted, so a paste runs exactly them."""
        if self.kind in ("command", "shell"):
            return copyable(self.runs)
        return self.url or self.query or self.code or self.text


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
    precheck: str = ""


@dataclass(frozen=True)
class Gather:
    """One piece of evidence a gather node asks for: its name, what to find out, where to look."""

    name: str
    text: str
    signal: Signal | None = None


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


@dataclass(frozen=True)
class Symptom:
    summary: str
    alerts: tuple[str, ...] = ()
    impact: str = ""
    variants: tuple[AlertVariant, ...] = ()
    """Every alert as written, with the threshold, `for` and severity a variant declares."""


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

    @property
    def default_severity(self) -> str:
        """The declared severity, else the most severe alert variant's, else empty (ask)."""
        declared = sorted(v.severity for v in self.symptom.variants if v.severity in SEVERITIES)
        return self.severity or (declared[0] if declared else "")

    def links(self) -> list[tuple[Node, Link]]:
        """Every reference from this runbook to another one."""
        return [(node, node.link) for node in self.nodes.values() if node.link is not None]


def runbook_from_data(data: Mapping[str, Any], source: str = "", *, lazy: bool = False) -> Runbook:
    """Build a Runbook from loaded YAML; missing or odd fields become empty values.

    Loaded data is plain dicts and lists (from the loader or the JSON cache), so the checks below
    ask for `dict`: `isinstance(x, Mapping)` goes through the ABC machinery, several times slower,
    and this runs for every field of every node when a 5,000-node runbook is drawn. `lazy` builds
    each node when first asked for (a walk shows a handful of a big runbook's nodes).
    """
    raw_nodes = data.get("nodes")
    by_id = {
        str(node_id): fields
        for node_id, fields in (raw_nodes.items() if isinstance(raw_nodes, dict) else ())
        if isinstance(fields, dict)
    }
    nodes = LazyNodes(by_id) if lazy else {key: node_from_data(key, fields) for key, fields in by_id.items()}
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


class LazyNodes(Mapping[str, Node]):
    """Nodes by id, each built from its data on first access; iterating them all builds them all."""

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
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
        effect=_str(raw.get("effect")) or "change",
        owner=_str(raw.get("owner")),
        repeat=repeat_from(raw.get("repeat")),
        approval=approval_from(raw.get("approval")),
        document=_str(raw.get("document")),
        see_also=_strings(raw.get("see_also")),
        gathers=tuple(
            Gather(str(name), _str(item.get("text")), _signal(item.get("signal")))
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
        script=_str(raw.get("script")),
        language=_str(raw.get("language")),
        code=_str(raw.get("code")),
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
