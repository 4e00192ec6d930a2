"""Shared fixtures and markers: tests that need `dot` or `tmux` skip cleanly without them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["tests.os_accounts"]

REPO = Path(__file__).resolve().parent.parent
RUNBOOKS = REPO / "runbooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = {
        "needs_dot": shutil.which("dot") is None,
        "needs_tmux": shutil.which("tmux") is None,
    }
    for item in items:
        for marker, absent in missing.items():
            if absent and item.get_closest_marker(marker):
                program = marker.removeprefix("needs_")
                item.add_marker(pytest.mark.skip(reason=f"{program} is not on PATH"))


@pytest.fixture(autouse=True)
def _private_validation_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test gets its own validation cache instead of the user's ~/.cache."""
    monkeypatch.setenv("RUNBOOK_CACHE_DIR", str(tmp_path_factory.mktemp("runbook-cache")))
