"""The incident's path: numbering, edges taken, and a replayed incident from the real timeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.format.library import load_runbook
from runbook_engine.format.model import Runbook
from runbook_engine.policy import load_policy
from runbook_engine.render.dot import runbook_dot
from runbook_engine.render.incident import steps_from_events
from runbook_engine.render.overlay import EdgeMark, NodeMark, PathStep, build_overlay
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.render.helpers import FIXTURES, svg_groups

FIXTURE = FIXTURES / "primary-db-down.yaml"
ALICE = Actor("alice", "alice-os", "laptop-a")
BOB = Actor("bob", "bob-os", "laptop-b")
START = datetime(2026, 3, 1, 14, 0, tzinfo=timezone.utc)
WALK = [  # (node, answer, minutes after the start)
    ("primary-answers", "no", 2),
    ("replica-lag", "confirmed", 5),
    ("drain-writes", "helped", 7),
    ("promote-replica", "helped", 12),
    ("watch-writes", "still-down", 18),
    ("primary-answers", "yes", 20),
    ("pool-full", None, 21),
]


@pytest.fixture(scope="module")
def runbook() -> Runbook:
    return load_runbook(FIXTURE)


@pytest.fixture
def replayed(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An incident that walked the fixture runbook, with the failover approved by the IC."""
    clock = FakeClock(START)
    path = tmp_path / "incidents.db"
    with SqliteStore(path) as store:
        svc = IncidentService(store, load_policy(), clock)
        incident = svc.open("Orders DB down", "SEV-1", "bob", ALICE, runbook="primary-db-down").incident_id
        for node, answer, minute in WALK:
            clock.set(START.replace(minute=minute))
            svc.enter_node(incident, "primary-db-down", node, ALICE)
            if node == "promote-replica":
                svc.propose_change(incident, "Promote orders-db-2", "alice", ALICE, hypothesis="host lost",
                                   irreversible=True, risky=True, runbook="primary-db-down", node=node)
                svc.request_approval(incident, "C1", ALICE)
                svc.approve(incident, "C1", BOB)
            if answer is not None:
                clock.advance(30)
                svc.answer_node(incident, "primary-db-down", node, answer, ALICE)
        yield path, incident


def test_steps_are_numbered_in_order_with_their_times(runbook: Runbook) -> None:
    at = START.replace(minute=7)
    overlay = build_overlay("INC-1", runbook, [PathStep("primary-answers", START, "no", at),
                                               PathStep("replica-lag", at)])
    assert overlay.nodes == {"primary-answers": (NodeMark(1, START),), "replica-lag": (NodeMark(2, at),)}
    assert overlay.edges == {("primary-answers", "no"): (EdgeMark(1, "no", at),)}


def test_an_unknown_answer_follows_the_next_visit(runbook: Runbook) -> None:
    overlay = build_overlay("INC-1", runbook, [PathStep("primary-answers", answer="nope"),
                                               PathStep("pool-full"), PathStep("gone-node")])
    assert list(overlay.edges) == [("primary-answers", "yes")]
    assert overlay.unknown == ("gone-node",)


def test_adapter_reads_visits_answers_and_approvals(replayed: tuple[Path, str]) -> None:
    path, incident = replayed
    with SqliteStore(path) as store:
        steps = steps_from_events(store.events(incident), "primary-db-down")
    assert [(s.node, s.answer) for s in steps] == [(node, answer) for node, answer, _ in WALK]
    assert steps[3].approvers == ("bob",)
    assert steps[0].at == START.replace(minute=2)
    assert steps[0].answered_at == START.replace(minute=2, second=30)
    with SqliteStore(path) as store:
        assert steps_from_events(store.events(incident), "another-runbook") == []


def test_replayed_incident_marks_exactly_the_visited_nodes(
    replayed: tuple[Path, str], runbook: Runbook, tmp_path: Path
) -> None:
    path, incident = replayed
    out = tmp_path / "path.dot"
    code = main(["render", str(FIXTURE), "-f", "dot", "--incident", incident, "--store", str(path),
                 "-o", str(out)])
    assert code == 0
    dot = out.read_text()
    visited = {node for node, _, _ in WALK}
    statements = {line.strip().split(" [")[0].strip('"'): line for line in dot.splitlines()
                  if line.strip().startswith('"') and " -> " not in line}
    marked = {n for n in runbook.nodes if 'class="visited"' in statements[n]}
    assert marked == visited
    assert "#1 14:02" in dot and "#2 14:05" in dot and "#6 14:20" in dot
    assert "#4 helped 14:12" in dot and "approved by bob" in dot
    assert f"Path taken during {incident}" in dot


@pytest.mark.needs_dot
def test_overlay_svg_classes_match_the_walk(replayed: tuple[Path, str], runbook: Runbook,
                                            tmp_path: Path) -> None:
    path, incident = replayed
    out = tmp_path / "path.svg"
    assert main(["render", str(FIXTURE), "--incident", incident, "--store", str(path), "-o", str(out)]) == 0
    groups = svg_groups(out.read_bytes())
    visited = {g.removeprefix("node-") for g, cls in groups.items() if cls == "node visited"}
    faded = {g.removeprefix("node-") for g, cls in groups.items() if cls == "node faded"}
    assert visited == {node for node, _, _ in WALK}
    assert faded == set(runbook.nodes) - visited
    assert sum(cls == "edge visited" for cls in groups.values()) == 6


def test_untaken_branches_are_faded(runbook: Runbook) -> None:
    overlay = build_overlay("INC-1", runbook, [PathStep("primary-answers", answer="yes"),
                                               PathStep("pool-full")])
    dot = runbook_dot(runbook, overlay=overlay)
    untaken = next(line for line in dot.splitlines() if '"primary-answers" -> "replica-lag"' in line)
    assert 'class="faded"' in untaken and 'color="#d1d5db"' in untaken


def test_unknown_incident_and_unwalked_runbook_are_clear_errors(
    replayed: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, incident = replayed
    assert main(["render", str(FIXTURE), "-f", "dot", "--incident", "INC-0", "--store", str(path)]) == 2
    assert "INC-0" in capsys.readouterr().err
    other = str(FIXTURES / "hostile.yaml")
    assert main(["render", other, "-f", "dot", "--incident", incident, "--store", str(path)]) == 2
    assert "never walked runbook hostile" in capsys.readouterr().err
    missing = tmp_path / "nope.db"
    assert main(["render", other, "-f", "dot", "--incident", incident, "--store", str(missing)]) == 2
    assert "no incident store" in capsys.readouterr().err
    assert not missing.exists()
