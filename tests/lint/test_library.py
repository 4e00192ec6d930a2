"""Library helpers: discovery, neighbours, config discovery and `load_runbook` sharing lint's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.format.library import RunbookInvalid, discover, load_runbook, neighbours
from runbook_engine.lint.config import find_config
from tests.conftest import FIXTURES
from tests.lint.common import BASE, assert_findings, patched


def test_load_runbook_refuses_what_lint_calls_blocking() -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_runbook(FIXTURES / "bad" / "rb202-dangling-answer.yaml")
    assert [(f.code, f.position.line) for f in caught.value.findings] == [("RB202", 20)]
    assert caught.value.exit_code == 2


def test_load_runbook_reports_loader_errors_with_position() -> None:
    with pytest.raises(RunbookInvalid) as caught:
        load_runbook(FIXTURES / "bad" / "rb006-duplicate-key.yaml")
    assert "rb006-duplicate-key.yaml:4:1: RB006 duplicate key 'title'" in caught.value.message


def test_load_runbook_accepts_warnings() -> None:
    runbook = load_runbook(FIXTURES / "bad" / "rb203-unreachable-node.yaml")
    assert "orphan" in runbook.nodes


def test_neighbours_are_runbooks_in_the_same_folders(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yml", "policy.yaml", "notes.txt", "sub/c.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    assert [p.name for p in neighbours([tmp_path / "a.yaml"])] == ["a.yaml", "b.yml"]
    assert [p.name for p in discover([str(tmp_path)])] == ["a.yaml", "b.yml", "c.yaml"]


def test_config_search_skips_pyprojects_without_a_runbook_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.runbook]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.other]\n")
    assert find_config(tmp_path / "pkg") == tmp_path / "pyproject.toml"
    (tmp_path / "pkg" / ".runbook.yaml").write_text("rules: {}\n")
    assert find_config(tmp_path / "pkg") == tmp_path / "pkg" / ".runbook.yaml"


def test_any_of_errors_report_the_best_matching_branch() -> None:
    source = patched("    signal: {kind: log, query: deploy errors}", "    signal: {kind: log}", BASE)
    assert_findings(source, [(18, 5, "RB101")])
