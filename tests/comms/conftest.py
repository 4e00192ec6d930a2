"""A webhook receiver per test and a policy whose channels point at it (URLs only in the env)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.comms.receiver import Receiver
from tests.conftest import RUNBOOKS

SECRET_TOKEN = "T0KEN-s3cr3t-9f8e7d"
"""Part of every webhook URL in these tests: it must never show up in a store, output or file."""

CHANNELS = """
channels:
  executives:
    - {name: exec-slack, service: slack, url_env: TEST_HOOK_SLACK}
  support:
    - {name: support-teams, service: teams, url_secret: teams-support}
  status-page:
    - {name: status-bridge, service: webhook, url_env: TEST_HOOK_WEBHOOK}
  incident-command:
    - {name: ic-room, service: mattermost, url_env: TEST_HOOK_MM}
comms:
  secrets_file: hooks.yaml
  ic_group: incident-command
  timeout: 1s
  attempts: ATTEMPTS
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


def write_policy(
    folder: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, attempts: int = 3
) -> Path:
    """A policy with four channels, one per service; three URLs in the env, one in a secrets file."""
    policy = folder / "policy.yaml"
    base = (RUNBOOKS / "policy.yaml").read_text(encoding="utf-8")
    policy.write_text(base + CHANNELS.replace("ATTEMPTS", str(attempts)), encoding="utf-8")
    hooks = folder / "hooks.yaml"
    hooks.write_text(f"teams-support: {receiver.url('teams/' + SECRET_TOKEN)}\n")
    hooks.chmod(0o600)
    for name in ("NO_PROXY", "no_proxy"):  # urllib honours proxy variables: keep 127.0.0.1 direct
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    monkeypatch.setenv("TEST_HOOK_SLACK", receiver.url("slack/" + SECRET_TOKEN))
    monkeypatch.setenv("TEST_HOOK_WEBHOOK", receiver.url("hook/" + SECRET_TOKEN))
    monkeypatch.setenv("TEST_HOOK_MM", receiver.url("mm/" + SECRET_TOKEN))
    return policy


SLACK, TEAMS, HOOK, MM = (f"{name}/{SECRET_TOKEN}" for name in ("slack", "teams", "hook", "mm"))
"""Receiver paths of the four channels."""
