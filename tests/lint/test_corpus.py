"""The bundled library lints clean, as a whole and file by file, and every runbook loads for walking."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.format.library import discover, load_runbook
from runbook_engine.lint.engine import lint_paths
from runbook_engine.report.text import format_finding
from tests.conftest import RUNBOOKS

BUNDLED = discover([str(RUNBOOKS)])


def test_the_library_is_not_empty() -> None:
    assert BUNDLED


def test_the_bundled_library_lints_clean_even_when_strict() -> None:
    result = lint_paths(BUNDLED, jobs=1)
    assert result.exit_code(strict=True) == 0, "\n".join(map(format_finding, result.findings))


@pytest.mark.parametrize("path", BUNDLED, ids=[path.stem for path in BUNDLED])
def test_each_bundled_runbook_loads_for_walking(path: Path) -> None:
    runbook = load_runbook(path)
    assert runbook.start in runbook.nodes
