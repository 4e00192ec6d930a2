"""Helpers for drill tests: fixture folders and a way to write a drill next to the tiny runbook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = FIXTURES / "tiny"


@pytest.fixture
def tiny_library(tmp_path: Path) -> Path:
    """A copy of the tiny runbook in a folder of its own, with an empty `drills/` beside it."""
    shutil.copy(TINY / "tiny.yaml", tmp_path / "tiny.yaml")
    (tmp_path / "drills").mkdir()
    return tmp_path
