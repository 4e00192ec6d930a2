"""The `cli` fixture every incident-command test uses: the real `runbook` entry point in a
throw-away folder (tests/incident/cli_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.incident.cli_helpers import Cli, make_cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return make_cli(tmp_path, capsys, monkeypatch)
