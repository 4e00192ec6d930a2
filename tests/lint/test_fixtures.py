"""Fixture folders: every bad runbook gives the code and line it declares; every good one is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runbook_engine.lint.engine import lint_paths
from tests.conftest import FIXTURES

EXPECT = re.compile(rb"^# expect: (RB\d{3}) line (\d+)", re.MULTILINE)
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))
GOOD = sorted((FIXTURES / "good").glob("*.y*ml"))


def expectations(path: Path) -> list[tuple[str, int]]:
    return [(code.decode(), int(line)) for code, line in EXPECT.findall(path.read_bytes())]


def test_there_are_enough_bad_fixtures() -> None:
    assert len(BAD) >= 40
    assert all(expectations(path) for path in BAD), "every bad fixture declares `# expect: CODE line N`"


@pytest.mark.parametrize("path", BAD, ids=[path.stem for path in BAD])
def test_bad_fixture_gives_its_finding(path: Path) -> None:
    result = lint_paths([path], jobs=1)
    found = {(finding.code, finding.position.line) for finding in result.findings}
    for expected in expectations(path):
        assert expected in found, f"{path.name}: expected {expected}, found {sorted(found)}"
    assert result.exit_code(strict=True) == 1


@pytest.mark.parametrize("path", GOOD, ids=[path.stem for path in GOOD])
def test_good_fixture_is_clean(path: Path) -> None:
    result = lint_paths([path], jobs=1)
    assert result.findings == ()
