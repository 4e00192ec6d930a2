"""`runbook incident status --follow` on the team store: another login's change redraws the board."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.pg_store import PostgresStore
from runbook_engine.timeline.service import IncidentService
from tests.conftest import REPO
from tests.pg_server import TeamDatabase
from tests.team.conftest import ALICE_LOGIN, BOB_LOGIN

BOB = Actor("bob", "bob-os", "laptop-b")


def _read_until(proc: subprocess.Popen[bytes], marker: bytes, seen: bytes = b"") -> bytes:
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while marker not in seen:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"{marker!r} never shown; the board said: {seen[-800:]!r}"
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk, f"the board ended before {marker!r}: {seen[-800:]!r}"
        seen += chunk
    return seen


def test_the_board_redraws_when_another_login_appends(team_db: TeamDatabase) -> None:
    policy = load_policy()
    with PostgresStore(team_db.url_as(BOB_LOGIN), policy) as store:
        bobs = IncidentService(store, policy, SystemClock())
        incident = bobs.open("Checkout errors", "SEV-2", "bob", BOB).incident_id
        command = [
            sys.executable,
            "-m",
            "runbook_engine",
            "incident",
            "status",
            incident,
            "--follow",
            "--timeout",
            "60",
            "--store",
            team_db.url_as(ALICE_LOGIN),
        ]
        with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as board:
            try:
                first = _read_until(board, b"Checkout errors")
                assert b"carol" not in first
                bobs.assign(incident, "comms", "carol", BOB)
                later = _read_until(board, b"carol", first)
                assert b"\n-- " in later[len(first) :]
            finally:
                board.kill()
