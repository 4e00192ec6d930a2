"""Skeleton drills: one per outcome of every bundled runbook, and each passes as written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.drill.library import Library, Policies, run_one
from runbook_engine.drill.template import outcomes, shortest_walk
from runbook_engine.format.library import discover, load_runbook
from tests.conftest import RUNBOOKS
from tests.drill.conftest import TINY

BUNDLED = discover([str(RUNBOOKS)])


def test_shortest_walk_of_tiny() -> None:
    runbook = load_runbook(TINY / "tiny.yaml")
    walk = shortest_walk(runbook, "page")
    assert walk is not None
    assert [(node.id, edge.label) for node, edge in walk] == [("slow", "yes"), ("restart", "no_change")]
    assert [node.id for node in outcomes(runbook)] == ["page", "fine"]


@pytest.mark.parametrize("path", BUNDLED, ids=[path.stem for path in BUNDLED])
def test_skeletons_pass(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(path, tmp_path / path.name)
    drills = tmp_path / "drills"
    assert main(["drill", "--new", str(tmp_path / path.name), "--to", str(drills)]) == 0
    written = sorted(drills.glob("*.yaml"))
    assert len(written) == len(outcomes(load_runbook(path)))
    assert capsys.readouterr().out.count("wrote ") == len(written)
    for drill in written:
        result = run_one(drill, Library(), Policies())
        assert result.passed, (drill.name, result.failures)


def test_existing_files_are_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(TINY / "tiny.yaml", tmp_path / "tiny.yaml")
    drills = tmp_path / "drills"
    drills.mkdir()
    (drills / "tiny-page.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["drill", "--new", str(tmp_path / "tiny.yaml"), "--to", str(drills)]) == 0
    out = capsys.readouterr().out
    assert f"skipped {drills / 'tiny-page.yaml'}: exists, kept" in out
    assert (drills / "tiny-page.yaml").read_text(encoding="utf-8") == "mine\n"
    assert (drills / "tiny-fine.yaml").exists()
