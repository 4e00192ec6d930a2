"""The bundled library in `runbooks/`: every file loads, and together they show off the whole format.

Each property is computed from the loaded model, so a runbook edit that drops the last loop, link
or cleanup step fails here instead of silently thinning the examples authors learn from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

from runbook_engine.format.library import discover, load_runbook
from runbook_engine.format.model import NODE_KINDS, Node, Runbook
from runbook_engine.lint.engine import lint_paths, lint_source
from runbook_engine.policy import load_policy
from runbook_engine.resources import BUNDLED_RUNBOOKS, PROJECT_ROOT

FILES = discover([str(BUNDLED_RUNBOOKS)])
DEMO_RUNBOOK = "checkout-errors-after-deploy"


@cache
def _library() -> dict[str, Runbook]:
    """Loaded once, on first use, so that a broken file fails its own test instead of collection."""
    return {runbook.id: runbook for runbook in map(load_runbook, FILES)}


def _graph(runbook: Runbook) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(runbook.nodes)
    for node in runbook.nodes.values():
        graph.add_edges_from((node.id, edge.target) for edge in node.edges if edge.target in runbook.nodes)
    return graph


def _all_nodes() -> Iterable[tuple[Runbook, Node]]:
    for runbook in _library().values():
        for node in runbook.nodes.values():
            yield runbook, node


def _loops_with_exit(runbook: Runbook) -> list[set[str]]:
    """Cycles of the graph from which some answer leads on to an ending (resolve, handoff, escalate)."""
    graph = _graph(runbook)
    endings = {node.id for node in runbook.nodes.values() if node.is_terminal}
    loops = []
    for component in nx.strongly_connected_components(graph):
        member = next(iter(component))
        if len(component) == 1 and not graph.has_edge(member, member):
            continue
        reachable = set().union(*(nx.descendants(graph, node) for node in component))
        if reachable & endings:
            loops.append(component)
    return loops


def test_library_has_at_least_eight_runbooks() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=lambda path: Path(path).stem)
def test_runbook_loads_and_is_a_sensible_size(path: Path) -> None:
    runbook = load_runbook(path)
    assert 10 <= len(runbook.nodes) <= 40
    first = runbook.nodes[runbook.start]
    # A check, or a record of what automation did before anyone looked (it changes nothing).
    assert first.kind == "check" or first.effect == "observation"


def test_library_lints_clean_even_under_strict() -> None:
    findings = lint_paths(FILES).findings
    assert [f"{f.path}:{f.position.line}: {f.code} {f.message}" for f in findings] == []


def test_runbook_ids_are_unique() -> None:
    ids = [load_runbook(path).id for path in FILES]
    assert len(ids) == len(set(ids))


def test_every_node_kind_is_used() -> None:
    """Except `todo`: a branch not written yet belongs in a team's draft, not in the finished library."""
    used = {node.kind for _, node in _all_nodes()}
    assert used == set(NODE_KINDS) - {"todo"}


def test_actions_are_both_safe_and_risky() -> None:
    risks = {node.risk for _, node in _all_nodes() if node.kind == "action" and node.is_change}
    assert risks == {"safe", "risky"}


def test_some_loop_has_an_exit() -> None:
    assert any(_loops_with_exit(runbook) for runbook in _library().values())


def test_some_node_has_several_parents() -> None:
    shared = [
        (runbook.id, node_id)
        for runbook in _library().values()
        for node_id, parents in _graph(runbook).in_degree()
        if parents >= 2
    ]
    assert shared


def test_every_cross_runbook_link_resolves() -> None:
    links = [link for runbook in _library().values() for _, link in runbook.links()]
    assert any(link.node is None for link in links)
    assert any(link.node is not None for link in links)
    for link in links:
        assert link.runbook in _library(), str(link)
        assert link.node is None or link.node in _library()[link.runbook].nodes, str(link)


def test_an_irreversible_action_declares_consequence_and_precheck() -> None:
    irreversible = [node for _, node in _all_nodes() if node.kind == "action" and node.is_irreversible]
    assert irreversible
    for node in irreversible:
        assert node.irreversible is not None
        assert node.irreversible.consequence and node.irreversible.precheck


def test_a_staged_change_verifies_each_stage() -> None:
    staged = [node for _, node in _all_nodes() if node.kind == "action" and len(node.stages) >= 2]
    assert staged
    for node in staged:
        assert all(stage.step is not None and stage.verify for stage in node.stages), node.id


def test_owed_cleanup_lies_on_every_path_to_resolve() -> None:
    owing = [(runbook, node) for runbook, node in _all_nodes() if node.cleanup]
    assert owing
    for runbook, node in owing:
        graph = _graph(runbook)
        resolves = {other.id for other in runbook.nodes.values() if other.kind == "resolve"}
        assert resolves & nx.descendants(graph, node.id), node.id
        for owed in node.cleanup:
            assert runbook.nodes[owed].kind == "cleanup"
            skipping = nx.descendants(nx.restricted_view(graph, [owed], []), node.id)
            assert not skipping & resolves, f"{runbook.id}: {node.id} reaches resolve without {owed}"


def test_risky_steps_can_be_undone_or_say_they_cannot() -> None:
    for runbook, node in _all_nodes():
        if node.is_risky:
            assert node.rollback is not None or node.irreversible is not None, (runbook.id, node.id)
            assert node.verify, (runbook.id, node.id)


def test_demo_runbook_rolls_back_first_with_approval() -> None:
    """The README's demo walks this runbook: a deploy check leads to a risky rollback the IC approves."""
    runbook = _library()[DEMO_RUNBOOK]
    graph = _graph(runbook)
    rollbacks = [
        node for node in runbook.nodes.values()
        if node.is_risky and node.rollback is not None and node.rollback.step is not None
        and node.step is not None and node.step.kind == "command"
    ]
    assert any(nx.has_path(graph, runbook.start, node.id) for node in rollbacks)
    assert load_policy().rule(runbook.severity).approver_role == "ic"


def test_the_format_guide_opens_with_a_runbook_that_lints_clean() -> None:
    """docs/format.md starts with a complete small runbook; it must stay a correct example."""
    guide = (PROJECT_ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    first_example = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL)
    assert first_example is not None
    assert lint_source(first_example.group(1), "docs/format.md") == []
