"""RB401: lint can require a drill coverage minimum (off by default), from the flag or the config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.errors import UsageError
from runbook_engine.lint.config import parse_config
from runbook_engine.lint.rules import names_to_codes
from tests.conftest import RUNBOOKS


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The Redis runbook with one of its drills: a small library whose coverage is partial."""
    (tmp_path / "drills").mkdir()
    shutil.copy(RUNBOOKS / "redis-max-connections.yaml", tmp_path)
    shutil.copy(RUNBOOKS / "drills" / "redis-below-limit-escalate.yaml", tmp_path / "drills")
    return tmp_path


def test_off_by_default(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(library)]) == 0
    assert "RB401" not in capsys.readouterr().out


def test_flag_requires_the_minimum(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(library), "--min-drill-coverage", "90"]) == 1
    out = capsys.readouterr().out
    path = library / "redis-max-connections.yaml"
    assert f"{path}:1:1: RB401 drill coverage of redis-max-connections" in out
    assert "never reached: who-holds-connections" in out


def test_config_key_and_zero_minimum(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (library / ".runbook.yaml").write_text("min-drill-coverage: 90\n", encoding="utf-8")
    assert main(["lint", str(library), "--config", str(library / ".runbook.yaml")]) == 1
    assert main(["lint", str(library), "--min-drill-coverage", "0"]) == 0
    capsys.readouterr()


def test_the_bundled_library_meets_seventy_percent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(RUNBOOKS), "--min-drill-coverage", "70"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("value", [150, -1, "lots", True])
def test_bad_config_values_are_usage_errors(value: object) -> None:
    with pytest.raises(UsageError, match="min-drill-coverage"):
        parse_config({"min-drill-coverage": value}, names_to_codes())


def test_bad_flag_is_exit_2(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(library), "--min-drill-coverage", "101"]) == 2
    assert "percentage" in capsys.readouterr().err
