"""`runbook incident ...` in-process: the happy path, refusals (exit 1), usage errors (exit 2)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from runbook_engine.cli import incident_context
from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.store import SqliteStore
from tests.incident.cli_helpers import Cli


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 15, 14, 0, tzinfo=timezone.utc))
    monkeypatch.setattr(incident_context, "SystemClock", lambda: fake)
    return fake


def _events(cli: Cli, incident: str) -> list[EventType]:
    with SqliteStore(cli.store) as store:
        return [event.type for event in store.events(incident)]


def test_open_prints_the_id_and_list_shows_it(cli: Cli) -> None:
    incident = cli.open("--ic", "lee")
    assert incident.startswith("INC-")
    code, out, _ = cli("incident", "list")
    assert code == 0
    assert incident in out and "SEV-1" in out and "open" in out


def test_status_shows_roles_change_in_flight_and_pending_approval(cli: Cli) -> None:
    incident = cli.open()
    assert cli("incident", "assign", incident, "ops", "ameer")[0] == 0
    cli("incident", "hypothesis", incident, "bad", "release")
    cli(
        "incident",
        "propose",
        incident,
        "Disable",
        "flag",
        "--hypothesis",
        "H1",
        "--owner",
        "ameer",
        actor="ameer",
    )
    cli("incident", "start", incident, "C1", actor="ameer")
    cli("incident", "result", incident, "C1", "no_change", "same", "errors", actor="ameer")
    args = ("--hypothesis", "H1", "--rollback", "redeploy", "--risky", "--owner", "ameer", "--id", "C2")
    cli("incident", "propose", incident, "Roll", "back", *args, actor="ameer")
    code, out, _ = cli("incident", "status", incident)
    assert code == 0
    assert "Roles: IC lee, Ops ameer (missing for SEV-1: Comms, Scribe)" in out
    assert "Change in flight: none" in out
    assert "Pending approvals: C2 Roll back (owner ameer); approver: IC lee" in out
    assert "Hypotheses: H1 bad release" in out


def test_status_says_how_late_the_update_is(cli: Cli, clock: FakeClock) -> None:
    incident = cli.open()
    clock.advance(4 * 60)
    assert cli("incident", "update", incident, "--impact", "38% of checkouts fail")[0] == 0
    clock.advance(25 * 60)
    out = cli("incident", "status", incident)[1]
    assert "Status updates: last initial at 14:04 UTC; OVERDUE by 15 min (was due 14:14 UTC)" in out
    clock.advance(-20 * 60)
    out = cli("incident", "status", incident)[1]
    assert "next due 14:14 UTC (in 5 min)" in out


def test_self_approval_is_refused_with_why_and_what_to_do(cli: Cli) -> None:
    incident = cli.open()
    cli("incident", "hypothesis", incident, "bad", "release")
    cli(
        "incident",
        "propose",
        incident,
        "Roll",
        "back",
        "--risky",
        "--hypothesis",
        "H1",
        "--rollback",
        "x",
        actor="ameer",
    )
    code, _, err = cli("incident", "approve", incident, "C1", actor="ameer")
    assert code == 1
    assert "ameer owns change C1 and may not approve or deny it [rule: four_eyes]" in err
    assert "who may: the IC (lee) decides" in err
    assert "hint:" in err
    assert "Traceback" not in err
    assert cli("incident", "approve", incident, "C1", "--reason", "blast radius")[0] == 0


def test_risky_change_without_rollback_is_refused(cli: Cli) -> None:
    incident = cli.open()
    args = ("--risky", "--hypothesis", "x")
    code, _, err = cli("incident", "propose", incident, "Drop", "table", *args, actor="ameer")
    assert code == 1
    assert "has no rollback" in err and "--irreversible" in err


def test_update_posts_the_draft_and_dry_run_does_not(cli: Cli) -> None:
    incident = cli.open()
    code, out, _ = cli("incident", "update", incident, "--dry-run", "--markdown", "--impact", "a_b")
    assert code == 0
    assert out.startswith("**\\[") and "a\\_b" in out
    assert EventType.STATUS_UPDATE not in _events(cli, incident)
    args = ("--impact", "38% fail", "--action", "gateway check=sara", "--next-in", "5")
    code, out, _ = cli("incident", "update", incident, *args)
    assert code == 0
    assert "gateway check, owned by sara" in out
    assert EventType.STATUS_UPDATE in _events(cli, incident)
    with SqliteStore(cli.store) as store:
        state = store.state(incident)
    assert state.status_updates[0].text == out
    assert state.status_updates[0].kind == "initial"


def test_bad_action_form_is_a_usage_error(cli: Cli) -> None:
    incident = cli.open()
    code, _, err = cli("incident", "update", incident, "--action", "no owner")
    assert code == 2
    assert "TEXT=OWNER" in err


def test_resolve_needs_the_monitoring_window_or_an_ic_override(cli: Cli) -> None:
    incident = cli.open()
    assert cli("incident", "mitigate", incident, "traffic", "back")[0] == 0
    code, _, err = cli("incident", "resolve", incident, "stable")
    assert code == 1 and "monitoring window" in err
    code, _, err = cli("incident", "resolve", incident, "stable", "--override", "calm", actor="ameer")
    assert code == 1 and "ameer may not resolve the incident [rule: authority_resolve]" in err
    assert "who may: the IC (lee)" in err
    assert cli("incident", "resolve", incident, "stable", "--override", "baseline for 10 min")[0] == 0
    assert cli("incident", "note", incident, "after", "the", "fact")[0] == 0
    code, _, err = cli("incident", "hypothesis", incident, "late", "idea")
    assert code == 1 and "reopen" in err
    assert cli("incident", "reopen", incident, "--reason", "errors back")[0] == 0
    assert "OPEN" in cli("incident", "status", incident)[1]


def test_action_item_due_date_follows_the_bucket(cli: Cli, clock: FakeClock) -> None:
    incident = cli.open()
    code, out, _ = cli("incident", "action", incident, "Add", "alert", "--owner", "bob", "--bucket", "1w")
    assert code == 0
    assert "due 2026-03-22" in out


def test_roles_handover_and_severity_need_reasons(cli: Cli) -> None:
    incident = cli.open()
    code, _, err = cli("incident", "handover", incident, "ic", "maya")
    assert code == 1 and "needs a reason" in err
    assert cli("incident", "handover", incident, "ic", "maya", "--reason", "end of shift")[0] == 0
    code, _, err = cli("incident", "sev", incident, "SEV-2", "--reason", "one region only")
    assert code == 1 and "[rule: authority_severity]" in err and "who may: the IC (maya)" in err
    assert cli("incident", "sev", incident, "SEV-2", "--reason", "one region only", actor="maya")[0] == 0
    code, _, err = cli("incident", "sev", incident, "SEV-9", "--reason", "x", actor="maya")
    assert code == 2 and "not in the policy" in err
    out = cli("incident", "show", incident)[1]
    assert "Handed over IC from @lee to @maya: end of shift" in out
    assert "SEV-2" in out.splitlines()[0]


def test_hypothesis_drop(cli: Cli) -> None:
    incident = cli.open()
    cli("incident", "hypothesis", incident, "dns")
    code, _, err = cli("incident", "hypothesis", incident)
    assert code == 2 and "--drop" in err
    code, out, _ = cli("incident", "hypothesis", incident, "--drop", "H1", "--reason", "resolves fine")
    assert code == 0 and "Dropped hypothesis H1" in out


def test_missing_incident_and_missing_store_are_clear_messages(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("incident", "list")
    assert code == 0 and out.startswith("no incidents (no store at")
    code, _, err = cli("incident", "status", "INC-1")
    assert code == 2 and "no incident store at" in err
    cli.open()
    code, _, err = cli("incident", "status", "INC-20000101-0009")
    assert code == 2
    assert "no incident INC-20000101-0009" in err and "Traceback" not in err


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("incident", "bogus")[0] == 2
    assert cli("incident", "assign")[0] == 2
    assert cli("incident", "open", "x", "--started-at", "yesterday-ish")[0] == 2


def test_naming_what_does_not_exist_is_a_usage_error_and_open_leaves_no_store(cli: Cli) -> None:
    code, _, err = cli("incident", "open", "x", "--sev", "SEV-9")
    assert code == 2 and "'SEV-9' is not in the policy" in err
    assert not cli.store.exists()
    incident = cli.open()
    assert cli("incident", "sev", incident, "SEV-9", "--reason", "worse")[0] == 2
    code, _, err = cli("incident", "approve", incident, "C99")
    assert code == 2 and "no change C99" in err


def test_bad_policy_is_an_input_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text("severities: {}\n", encoding="utf-8")
    code, _, err = cli("incident", "list", "--policy", str(bad))
    assert code == 2 and "policy" in err


def test_started_at_accepts_clock_time(cli: Cli, clock: FakeClock) -> None:
    clock.advance(9 * 60)
    incident = cli.open("--started-at", "14:00")
    out = cli("incident", "status", incident)[1]
    assert "Times: started 14:00 UTC (est.), declared 14:09 UTC" in out


def test_postmortem_command_writes_every_section(cli: Cli, tmp_path: Path) -> None:
    incident = cli.open()
    cli("incident", "note", incident, "Decision: freeze *all* deploys")
    target = tmp_path / "pm.md"
    code, out, _ = cli("postmortem", incident, "-o", str(target))
    assert code == 0 and str(target) in out
    doc = target.read_text(encoding="utf-8")
    for heading in ("Summary", "Impact window", "Timeline", "Key decisions", "Metrics", "Action items"):
        assert f"## {heading}" in doc
    assert "freeze \\*all\\* deploys" in doc
    code, out, _ = cli("postmortem", incident)
    assert code == 0 and out.startswith("# Postmortem draft: Checkout failing")


def test_propose_records_a_declared_strategy_and_refuses_an_unknown_one(cli: Cli) -> None:
    incident = cli.open()
    code, _, err = cli("incident", "propose", incident, "Shed", "exports", "--strategy", "degrade")
    assert code == 1 and "[rule: ic_does_not_act]" in err
    args = ("--strategy", "degrade")
    assert cli("incident", "propose", incident, "Shed", "exports", *args, actor="ameer")[0] == 0
    code, _, err = cli("incident", "propose", incident, "Shed", "more", "--strategy", "hope")
    assert code == 2 and "invalid choice: 'hope'" in err
    with SqliteStore(cli.store, load_policy()) as store:
        assert store.state(incident).changes["C1"].strategy == "degrade"
