"""Shared fixtures and markers: tests that need `dot` or `tmux` skip cleanly without them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.clock import FakeClock
from tests.pg_server import PgServer, TeamDatabase, find_server, make_logins

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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's throw-away PostgreSQL (see tests/pg_server.py); skips, or fails in CI, without."""
    server, reason = find_server()
    if server is None:
        if os.environ.get("RUNBOOK_REQUIRE_PG"):
            pytest.fail(f"RUNBOOK_REQUIRE_PG is set but {reason}")
        pytest.skip(reason)
    try:
        with TeamDatabase(server, server.new_database()).session() as team:
            make_logins(team.server)
        yield server
    finally:
        if server.owned:
            server.remove()


@pytest.fixture
def team_db(pg_server: PgServer) -> Iterator[TeamDatabase]:
    """A fresh database holding an initialised team store; dropped after the test."""
    with TeamDatabase(pg_server, pg_server.new_database()).session() as team:
        yield team


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The bundled policy, shared by the store and rule tests."""
    return load_policy()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
