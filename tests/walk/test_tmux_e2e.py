"""End to end in a real terminal: `runbook walk` inside tmux as one OS account, the IC approving
and resolving from a second account (a throw-away one: the test needs root, as CI has)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_engine.policy import load_policy
from runbook_engine.resources import DEFAULT_POLICY
from runbook_engine.timeline.events import os_account
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.os_accounts import Accounts
from tests.walk.conftest import REDIS, REPO

_LETTERS = str.maketrans("0123456789", "ghijklmnop")
"""Account names take letters only after the prefix: hex digits become letters."""

pytestmark = [pytest.mark.needs_tmux, pytest.mark.slow]

def short_policy(people: dict[str, str]) -> str:
    """The bundled policy with a 1 s observation and a 2 s monitoring window, and `people`."""
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    text = re.sub(r"observation_window: \S+", "observation_window: 1s", text)
    text = re.sub(r"monitoring_window: \S+", "monitoring_window: 2s", text)
    return text + "people:\n" + "".join(f"  {handle}: [{account}]\n" for handle, account in people.items())


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self("send-keys", "-t", "walk", key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self("send-keys", "-t", "walk", "-l", text)
        time.sleep(0.15)

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "walk")

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")
            time.sleep(0.2)


def resized_to(tmux: Tmux, columns: int, rows: int) -> None:
    """After a resize the whole screen is drawn again at the new size, toolbar at the bottom."""
    tmux("resize-window", "-t", "walk", "-x", str(columns), "-y", str(rows))
    deadline = time.monotonic() + 10
    while True:
        lines = tmux.screen().rstrip("\n").split("\n")
        if len(lines) >= rows - 2 and any("SEV-2" in line for line in lines[-2:]):
            assert "What next?" in "\n".join(lines)
            return
        if time.monotonic() > deadline:
            shown = "\n".join(lines)
            raise AssertionError(f"no redraw at {columns}x{rows}:\n{shown}")
        time.sleep(0.2)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux(f"walk-e2e-{uuid.uuid4().hex[:8]}")
    try:
        yield session
    finally:
        subprocess.run(["tmux", "-L", session.socket, "kill-server"], capture_output=True, check=False)


def test_walk_to_a_risky_change_approved_elsewhere_then_resolve(
    tmux: Tmux, tmp_path: Path, os_accounts: Accounts
) -> None:
    bob = os_accounts.make(f"bob{uuid.uuid4().hex[:4]}".translate(_LETTERS))
    folder = os_accounts.shared_folder(f"walk-{uuid.uuid4().hex[:8]}")
    store, policy_file = folder / "incidents.db", os_accounts.base / f"policy-{folder.name}.yaml"
    policy_file.write_text(short_policy({"alice": os_account(), "bob": bob.name}), encoding="utf-8")
    policy_file.chmod(0o644)
    redis = tmp_path / REDIS.name
    redis.write_text(REDIS.read_text(encoding="utf-8").replace("monitoring: 15m", "monitoring: 2s"))
    policy = load_policy(policy_file)
    common = ["--store", str(store), "--policy", str(policy_file)]
    opened = bob.runbook("incident", "open", "Redis", "refusing", "--sev", "SEV-2", *common)
    assert opened.returncode == 0, opened.stderr
    incident = opened.stdout.splitlines()[0]
    runbook = [sys.executable, "-m", "runbook_engine"]
    walk = [*runbook, "walk", str(redis), "--incident", incident, "--as", "alice", *common]
    command = f"cd {shlex.quote(str(REPO))} && {shlex.join(walk)}; sleep 60"
    tmux("new-session", "-d", "-s", "walk", "-x", "80", "-y", "24", command)

    tmux.wait_for("Connections at limit?")
    resized_to(tmux, 100, 30)
    resized_to(tmux, 80, 24)
    tmux.keys("1")
    tmux.wait_for("Evidence")
    tmux.type("ratio 1.0")
    tmux.keys("Enter")
    tmux.wait_for("one-service-over-its-pool")
    tmux.keys("1", "Enter")
    tmux.wait_for("A deploy leaks connections?")
    tmux.keys("1", "Enter")
    tmux.wait_for("RISKY")
    tmux.keys("1")
    tmux.wait_for("waiting for the IC @bob")

    approved = bob.runbook("incident", "approve", incident, "C1", *common, "--reason", "rollback is ready")
    assert approved.returncode == 0, approved.stderr
    tmux.wait_for("approved by @bob")
    tmux.keys("1")
    tmux.wait_for("helped")
    tmux.keys("1")
    tmux.wait_for("What did you observe?")
    tmux.type("clients down to 40%")
    tmux.keys("Enter")
    tmux.wait_for("Watch recovery")
    tmux.keys("1", "Enter")
    tmux.wait_for("mitigated")
    tmux.keys("1", "Enter")
    tmux.wait_for("MONITORING")
    tmux.wait_for("resolve the incident", timeout=20)
    resolved = bob.runbook("incident", "resolve", incident, "clients", "back", "to", "normal", *common)
    assert resolved.returncode == 0, resolved.stderr  # the IC resolves; the walker may not
    tmux.wait_for("RESOLVED")
    tmux.type("quit")
    tmux.keys("Enter")
    tmux.wait_for("Resume: ")

    with SqliteStore(store, policy) as reopened:
        state = IncidentService(reopened, policy).state(incident)
        assert reopened.verify(incident).ok
    change = state.changes["C1"]
    assert state.phase == "resolved"
    assert (change.approved_by, change.result, change.observation) == ("bob", "helped", "clients down to 40%")
    walk_state = state.walk("alice", "redis-max-connections")
    assert walk_state is not None and walk_state.position == "resolved"
    assert walk_state.path[0].evidence == "ratio 1.0"
