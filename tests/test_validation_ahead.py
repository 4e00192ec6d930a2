"""Validation in a second process while the walk starts: the same verdicts, the same markers."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from runbook_engine.format import validation_ahead
from runbook_engine.format.library import RunbookInvalid
from runbook_engine.format.validation_ahead import ValidationAhead
from runbook_engine.format.validation_cache import CACHE_FOLDER, load_validated
from tests.conftest import RUNBOOKS
from tests.test_validation_cache import forbid_validation

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the child is forked")


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    return Path(shutil.copy(RUNBOOKS / "redis-max-connections.yaml", tmp_path))


@pytest.fixture(autouse=True)
def _two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork happens only with 2+ cores; these tests are about what it does, on any machine."""
    monkeypatch.setattr(validation_ahead, "_cores", lambda: 2)


def _markers(cache: Path) -> list[Path]:
    folder = cache / CACHE_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def _wait_for_marker(cache: Path) -> Path:
    deadline = time.monotonic() + 60
    while not _markers(cache):
        assert time.monotonic() < deadline, "the child left no marker"
        time.sleep(0.01)
    (marker,) = _markers(cache)
    return marker


def test_a_cold_runbook_is_validated_by_the_child_and_loaded_from_its_marker(
    runbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    with ValidationAhead(runbook, cache) as ahead:
        assert ahead.running
        _wait_for_marker(cache)  # written while this process did nothing
        forbid_validation(monkeypatch)  # in this process
        loaded = ahead.runbook()
    monkeypatch.undo()
    assert loaded == load_validated(runbook, tmp_path / "elsewhere")
    assert not ahead.running


def test_an_invalid_runbook_is_reported_here_and_never_marked(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runbook.write_text(runbook.read_text(encoding="utf-8").replace("start: ", "start: nowhere-"))
    with ValidationAhead(runbook, cache) as ahead:
        assert ahead.running
        with pytest.raises(RunbookInvalid, match=rf"{runbook.name}:\d+:\d+: .*RB201"):
            ahead.runbook()
    assert _markers(cache) == []


def test_a_warm_runbook_forks_nothing(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_validated(runbook, cache)
    with ValidationAhead(runbook, cache) as ahead:
        assert not ahead.running
        assert ahead.runbook() == first


def test_a_cache_others_may_write_forks_nothing(runbook: Path, tmp_path: Path) -> None:
    """A child's marker there would not be read back: validating twice would be slower."""
    shared = tmp_path / "shared"
    (shared / CACHE_FOLDER).mkdir(parents=True)
    (shared / CACHE_FOLDER).chmod(0o777)
    with ValidationAhead(runbook, shared) as ahead:
        assert not ahead.running
        assert ahead.runbook().id == "redis-max-connections"


def test_one_core_forks_nothing(runbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation_ahead, "_cores", lambda: 1)
    with ValidationAhead(runbook, tmp_path / "cache") as ahead:
        assert not ahead.running
        assert ahead.runbook().id == "redis-max-connections"


def test_the_marker_holds_the_bytes_it_is_named_by(runbook: Path, tmp_path: Path) -> None:
    """The file is rewritten right after the walk read it: the child checks the bytes the marker's
    name was made from, never what the file holds by the time it reads."""
    cache = tmp_path / "cache"
    original = runbook.read_text(encoding="utf-8")
    with ValidationAhead(runbook, cache) as ahead:
        runbook.write_text(original.replace("id: redis-max-connections", "id: renamed-meanwhile"))
        marker = _wait_for_marker(cache)
        ahead.runbook()
    assert '"id": "redis-max-connections"' in marker.read_text(encoding="utf-8")
    assert load_validated(runbook, cache).id == "renamed-meanwhile"


def test_leaving_early_stops_and_reaps_the_child(runbook: Path, tmp_path: Path) -> None:
    with pytest.raises(KeyError), ValidationAhead(runbook, tmp_path / "cache") as ahead:
        child = ahead.child
        raise KeyError("the walk failed before it needed the runbook")
    assert child is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)
