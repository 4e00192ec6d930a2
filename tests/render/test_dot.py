"""The DOT builder: looks per kind, legend, loops, links, clusters, determinism and golden files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.format.library import load_runbook
from runbook_engine.format.loader import load_path
from runbook_engine.format.model import Runbook, runbook_from_data
from runbook_engine.render.dot import DotOptions, runbook_dot
from runbook_engine.render.structure import back_edges, cause_branches
from tests.conftest import RUNBOOKS
from tests.render.big import big_runbook_yaml
from tests.render.helpers import FIXTURES, GOLDEN

GOLDEN_CASES = {
    "redis-max-connections": RUNBOOKS / "redis-max-connections.yaml",
    "primary-db-down": FIXTURES / "primary-db-down.yaml",
}


@pytest.fixture(scope="module")
def fixture_runbook() -> Runbook:
    return load_runbook(FIXTURES / "primary-db-down.yaml")


def _statement(dot: str, node_id: str) -> str:
    return next(line for line in dot.splitlines() if line.strip().startswith(f'"{node_id}" ['))


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_dot_matches_golden_file(name: str) -> None:
    """Regenerate with RUNBOOK_UPDATE_GOLDEN=1 after an intended change, and review the diff."""
    dot = runbook_dot(load_runbook(GOLDEN_CASES[name]))
    golden = GOLDEN / f"{name}.dot"
    if os.environ.get("RUNBOOK_UPDATE_GOLDEN"):
        golden.write_text(dot, encoding="utf-8")
    assert dot == golden.read_text(encoding="utf-8")


def test_same_input_gives_byte_identical_dot_across_processes() -> None:
    script = (
        "import sys; from runbook_engine.format.library import load_runbook;"
        "from runbook_engine.render.dot import runbook_dot;"
        f"sys.stdout.write(runbook_dot(load_runbook({str(FIXTURES / 'primary-db-down.yaml')!r})))"
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_each_kind_gets_its_own_shape(fixture_runbook: Runbook) -> None:
    dot = runbook_dot(fixture_runbook)
    shapes = {
        "primary-answers": "shape=box, style=\"rounded,filled\"",
        "replica-lag": "shape=note",
        "drain-writes": 'fillcolor="#dcfce7"',
        "watch-writes": "dashed",
        "page-dba": "shape=invhouse",
        "handoff-pool": "shape=cds",
        "writes-back-on": "diagonals",
    }
    for node_id, expected in shapes.items():
        assert expected in _statement(dot, node_id), node_id


def test_risky_actions_are_marked_in_colour_and_words(fixture_runbook: Runbook) -> None:
    dot = runbook_dot(fixture_runbook)
    risky = _statement(dot, "restart-api")
    assert "RISKY - needs IC approval" in risky and 'color="#c2410c"' in risky
    assert "rollback: Nothing to undo" in risky


def test_irreversible_actions_are_marked_more_strongly(fixture_runbook: Runbook) -> None:
    statement = _statement(runbook_dot(fixture_runbook), "promote-replica")
    assert "IRREVERSIBLE - cannot be undone - needs IC approval" in statement
    assert "peripheries=2" in statement and "penwidth=4" in statement
    assert "cannot undo: Writes the old primary" in statement


def test_legend_lists_the_kinds_in_use(fixture_runbook: Runbook) -> None:
    header = runbook_dot(fixture_runbook).splitlines()[1]
    entries = ("irreversible action (needs approval)", "cleanup owed", "another runbook", "wait and watch")
    for entry in entries:
        assert entry in header
    assert "missing node" not in header
    assert "cleanup owed" not in runbook_dot(fixture_runbook, DotOptions(legend=False))


def test_answers_label_edges_and_loops_are_dashed(fixture_runbook: Runbook) -> None:
    dot = runbook_dot(fixture_runbook)
    assert '"primary-answers" -> "replica-lag" [label=<no>];' in dot
    loop = next(line for line in dot.splitlines() if '"watch-writes" -> "primary-answers"' in line)
    assert "still-down (loop)" in loop and "style=dashed" in loop and "constraint=false" in loop
    assert back_edges(fixture_runbook) == {("watch-writes", "still-down"), ("restart-api", "helped")}


def test_links_to_other_runbooks_are_drawn_as_such(fixture_runbook: Runbook) -> None:
    dot = runbook_dot(fixture_runbook, DotOptions(link_href="{runbook}.md"))
    assert '"(runbook postgres-deep-dive)" [' in dot
    assert '"page-dba" -> "(runbook postgres-deep-dive)" [style=dashed' in dot
    assert 'href="db-connection-pool-exhausted.md"' in dot


def test_direction_option(fixture_runbook: Runbook) -> None:
    assert "rankdir=LR" in runbook_dot(fixture_runbook, DotOptions(direction="LR"))


def test_a_cause_branch_becomes_a_cluster(fixture_runbook: Runbook) -> None:
    assert cause_branches(fixture_runbook) == {
        "replica-lag": ["replica-lag", "drain-writes", "promote-replica", "restart-api",
                        "watch-writes", "writes-back-on", "resolved"],
    }
    assert "subgraph cluster_1" in runbook_dot(fixture_runbook)
    assert "subgraph" not in runbook_dot(fixture_runbook, DotOptions(clusters=False))


def test_missing_targets_are_drawn_not_dropped(tmp_path: Path) -> None:
    """load_runbook refuses dangling targets; the builder still draws a model that has one."""
    text = (FIXTURES / "primary-db-down.yaml").read_text().replace("fine: page-dba", "fine: nowhere")
    (tmp_path / "broken.yaml").write_text(text)
    dot = runbook_dot(runbook_from_data(load_path(tmp_path / "broken.yaml").data))
    assert '"pool-full" -> "(missing nowhere)"' in dot and "missing node (lint error)" in dot


def test_sixty_plus_nodes_are_grouped_into_clusters(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_runbook_yaml(14))
    runbook = load_runbook(path)
    assert len(runbook.nodes) >= 60
    dot = runbook_dot(runbook)
    assert dot.count("subgraph cluster_") == 14
    assert all(f'"{node_id}" [' in dot for node_id in runbook.nodes)


def test_long_titles_are_wrapped(tmp_path: Path) -> None:
    text = (FIXTURES / "primary-db-down.yaml").read_text().replace(
        "title: Pool full?", "title: " + "very long title " * 8
    )
    (tmp_path / "long.yaml").write_text(text)
    statement = _statement(runbook_dot(load_runbook(tmp_path / "long.yaml")), "pool-full")
    assert statement.count("<BR/>") >= 4


def test_large_runbooks_draw_loops_and_shared_ends_as_stubs(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_runbook_yaml(14))
    runbook = load_runbook(path)
    dot = runbook_dot(runbook)
    assert dot.count("back to: Which part of<BR/>triage?") == 14
    assert '"watch-3" -> "(go to from watch-3 regressed)"' in dot
    assert dot.count('-> "resolved"') == 1 and dot.count("go to: Resolved") == 13
    assert "go to (node drawn once elsewhere)" in dot.splitlines()[1]
    small = runbook_dot(runbook, DotOptions(connectors_above=len(runbook.nodes)))
    assert "go to" not in small and small.count('-> "resolved"') == 14
