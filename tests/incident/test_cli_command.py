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
from tests.incident.cli_helpers import Cli


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


def test_delegated_work_counts_once_acknowledged_and_is_flagged_when_it_stalls(
    cli: Cli, clock: FakeClock
) -> None:
    incident = cli.open("--ic", "lee")
    code, out, _ = cli(
        "incident", "task", incident, "Check", "rollback", "feasibility", "--owner", "sara", "--eta", "15"
    )
    assert code == 0 and "Task T1 for @sara (ETA 14:20 UTC)" in out and "ack" in out
    board = _board(cli, incident)
    assert board["tasks"][0]["acknowledged"] is False
    assert "NOT YET DELEGATED" in cli("incident", "status", incident)[1]
    clock.advance(3 * 60)
    assert [f["kind"] for f in _board(cli, incident)["flags"]] == ["unacknowledged"]
    code, _, err = cli("incident", "ack", incident, "T1", actor="ameer")
    assert code == 1 and "[rule: task_owner]" in err and "who may: its owner (sara)" in err
    assert cli("incident", "ack", incident, "T1", actor="sara")[0] == 0
    assert _board(cli, incident)["flags"] == []
    clock.advance(13 * 60)
    assert [f["kind"] for f in _board(cli, incident)["flags"]] == ["eta_passed"]
    assert cli("incident", "done", incident, "T1", "rollback", "is", "ready", actor="sara")[0] == 0
    clock.advance(11 * 60)
    flags = _board(cli, incident)["flags"]
    assert [f["kind"] for f in flags] == ["nothing_in_progress"]
    assert "FLAG: nothing in progress for 11 min" in cli("incident", "status", incident)[1]


def test_only_the_ic_and_leads_delegate(cli: Cli) -> None:
    incident = cli.open("--ic", "lee")
    code, _, err = cli("incident", "task", incident, "x", "y", "--owner", "sara", "--eta", "5", actor="sara")
    assert code == 1 and "[rule: authority_task]" in err


def test_one_status_template_with_the_seeds_fields(cli: Cli, clock: FakeClock) -> None:
    incident = cli.open("--ic", "lee")
    args = ("--impact", "38% of checkouts fail", "--scope", "web shoppers in the EU", "--workaround", "retry")
    code, out, _ = cli("incident", "update", incident, *args)
    assert code == 0
    for line in (
        "Scope: web shoppers in the EU",
        "Workaround: retry",
        "Risky changes pending: none",
        "Stakeholders: executives, support, status-page",
    ):
        assert line in out
    cli("incident", "hypothesis", incident, "the", "release", "raised", "timeouts", actor="ameer")
    cli("incident", "propose", incident, "Roll", "back", "--hypothesis", "H1", actor="ameer")
    cli("incident", "task", incident, "Check", "the", "gateway", "--owner", "sara", "--eta", "14:15")
    code, out, _ = cli("incident", "update", incident, "--dry-run")
    assert "Decision needed now: approve or deny C1 Roll back: the IC (lee)" in out
    assert "Risky changes pending: C1 Roll back (awaiting approval, owner ameer)" in out
    plan = "Plan for the next 10 min: Check the gateway (sara, ETA 14:15 UTC"
    assert f"{plan}, not yet delegated: sara has not acknowledged)" in out
    assert cli("incident", "ack", incident, "T1", actor="sara")[0] == 0
    assert f"{plan})" in cli("incident", "update", incident, "--dry-run")[1]
