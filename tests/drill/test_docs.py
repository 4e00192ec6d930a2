"""The example drill in docs/drills.md runs and passes against the bundled runbook it names."""

from __future__ import annotations

import re
from pathlib import Path

from runbook_engine.drill.library import Library, Policies, run_one
from tests.conftest import REPO, RUNBOOKS

DOC = REPO / "docs" / "drills.md"


def test_first_example_passes(tmp_path: Path) -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    example = next(block for block in blocks if block.startswith("drill:"))
    path = tmp_path / "drills" / "example.yaml"
    path.parent.mkdir()
    path.write_text(example, encoding="utf-8")
    result = run_one(path, Library(extra_dirs=(RUNBOOKS,)), Policies())
    assert result.passed, result.failures


def test_every_check_and_action_is_documented() -> None:
    from runbook_engine.drill.expect import CHECKS
    from runbook_engine.drill.flags import FLAGS
    from runbook_engine.drill.model import ACTIONS

    text = DOC.read_text(encoding="utf-8")
    for name in (*CHECKS, *ACTIONS, *FLAGS):
        assert f"`{name}" in text, name
