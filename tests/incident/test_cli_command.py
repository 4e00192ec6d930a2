"""Command from the first minute: declared before anyone takes it, time to IC, the board as data,
the first-ten-minutes checklist and the seeds' clock (in-process, one account standing in for each)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from runbook_engine.cli import incident_context
from runbook_engine.timeline.clock import FakeClock
from tests.incident.cli_helpers import Cli, make_cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return make_cli(tmp_path, capsys, monkeypatch)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 10, 14, 5, tzinfo=timezone.utc))
    monkeypatch.setattr(incident_context, "SystemClock", lambda: fake)
    return fake


def _board(cli: Cli, incident: str) -> dict[str, Any]:
    code, out, err = cli("incident", "status", incident, "--format", "json")
    assert code == 0, err
    board: dict[str, Any] = json.loads(out)
    return board


def test_declared_without_an_ic_the_board_shouts_until_someone_takes_command(
    cli: Cli, clock: FakeClock
) -> None:
    code, out, _ = cli(
        "incident", "open", "Checkout", "errors", "--sev", "SEV-1", "--no-ic", actor="alertbot"
    )
    incident = out.splitlines()[0]
    assert code == 0 and "(no IC yet)" in out
    clock.advance(6 * 60)
    status = cli("incident", "status", incident)[1]
    assert "NO IC: nobody has taken command; 1 min past the response start" in status
    assert "[ ] an IC is named" in status
    code, _, err = cli("incident", "sev", incident, "SEV-2", "--reason", "x", actor="erin")
    assert code == 1 and "[rule: no_ic]" in err
    clock.advance(3 * 60)
    assert cli("incident", "assign", incident, "ic", "maria", actor="maria")[0] == 0
    board = _board(cli, incident)
    assert board["no_ic"] is False and board["time_to_ic_s"] == 540
    assert board["roles"] == {"ic": "maria"}
    assert "Time to IC: 9 min from the start of impact" in cli("incident", "status", incident)[1]


def test_the_board_is_data_with_the_seeds_clock(cli: Cli, clock: FakeClock) -> None:
    incident = cli.open("--ic", "lee")
    board = _board(cli, incident)
    assert board["next_update_due"] == "2026-03-10T14:10:00.000000+00:00"  # SEV-1: first within 5 min
    assert board["stakeholders"] == ["executives", "support", "status-page"]
    assert board["missing_roles"] == ["comms", "ops", "scribe"]
    assert [item["key"] for item in board["checklist"] if not item["done"]] == [
        "first_update",
        "recent_changes",
    ]
    cli("incident", "changed", incident, "--answer", "checkout", "2026.3.1", "at", "13:41")
    assert all(item["done"] for item in _board(cli, incident)["checklist"][:3])
    assert _board(cli, incident)["checklist"][4]["done"] is True


def test_the_policy_command_answers_what_changed_and_is_logged(cli: Cli, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    text = (Path(__file__).resolve().parents[2] / "runbooks" / "policy.yaml").read_text(encoding="utf-8")
    policy.write_text(text + "recent_changes_command: [echo, release 2026.3.1 at 13:41]\n", encoding="utf-8")
    incident = cli.open("--policy", str(policy))
    code, out, err = cli("incident", "changed", incident)
    assert code == 0, err
    assert out.startswith("release 2026.3.1 at 13:41\n")
    assert "Ran recent_changes: echo 'release 2026.3.1 at 13:41' -> exit 0" in out
    assert _board(cli, incident)["checklist"][4]["done"] is True


def test_a_policy_change_is_the_ics_and_is_pinned_from_then_on(cli: Cli, tmp_path: Path) -> None:
    incident = cli.open()
    night = tmp_path / "night.yaml"
    text = (Path(__file__).resolve().parents[2] / "runbooks" / "policy.yaml").read_text(encoding="utf-8")
    night.write_text(text.replace("update_cadence: 10m", "update_cadence: 20m"), encoding="utf-8")
    code, _, err = cli("incident", "policy", incident, "--policy", str(night), "--reason", "x", actor="ameer")
    assert code == 1 and "[rule: authority_policy]" in err
    code, _, err = cli("incident", "note", incident, "hi", "--policy", str(night))
    assert code == 1 and "[rule: policy_pinned]" in err
    assert cli("incident", "policy", incident, "--policy", str(night), "--reason", "quiet night")[0] == 0
    assert cli("incident", "note", incident, "hi", "--policy", str(night))[0] == 0
    digest = _board(cli, incident)["policy_digest"]
    code, _, err = cli("incident", "note", incident, "hi", "--policy", str(night.parent / "none.yaml"))
    assert code == 2
    assert digest is not None and len(digest) == 64
