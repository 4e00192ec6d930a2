"""Postmortem facts and flags on small incidents: audit flags, decisions, cadence, escaping."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from runbook_engine.comms import DraftInputs
from runbook_engine.postmortem import Context, flags, metrics, render_postmortem, strategy
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.state import Change
from tests.incident.replay import Replay, new_replay, person
from tests.incident.seed_redis import DAY

IC, OPS = person("ic"), person("ops")


@pytest.fixture
def r(tmp_path: Path) -> Replay:
    replay = new_replay(tmp_path, DAY)
    replay.at("10:00")
    return replay


def _ctx(r: Replay, incident: str) -> Context:
    return Context(r.service.events(incident), r.service.state(incident), r.policy, r.clock.now())


def _doc(r: Replay, incident: str) -> str:
    ctx = _ctx(r, incident)
    return render_postmortem(ctx.events, ctx.state, ctx.policy, ctx.now)


def _risky(r: Replay, incident: str, proposer: Actor, action: str = "Restart the primary") -> None:
    r.service.hypothesis(incident, "primary wedged", IC)
    r.service.propose_change(
        incident, action, "ops", proposer, hypothesis="H1", rollback="fail back", risky=True
    )
    r.service.request_approval(incident, "C1", proposer)


def test_approval_from_the_same_os_account_as_the_change_is_flagged(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-1", "ic", IC).incident_id
    shared_ops = Actor("ops", "oncall", "bastion")
    shared_ic = Actor("ic", "oncall", "bastion")
    _risky(r, incident, shared_ops)
    r.service.approve(incident, "C1", shared_ic, reason="quickest path")
    found = flags(_ctx(r, incident))
    assert any("'oncall'" in flag and "C1" in flag for flag in found)
    assert "approved from OS account 'oncall'" in _doc(r, incident)


def test_approval_from_separate_accounts_is_not_flagged(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-1", "ic", IC).incident_id
    _risky(r, incident, OPS)
    r.service.approve(incident, "C1", IC, reason="quickest path")
    assert not any("account" in flag for flag in flags(_ctx(r, incident)))


def test_severity_change_denial_and_wrong_assumptions_reach_the_review(r: Replay) -> None:
    incident = r.service.open("Exports slow", "SEV-3", "ic", IC).incident_id
    r.at("10:05")
    r.service.set_severity(incident, "SEV-1", "checkout affected too", IC)
    _risky(r, incident, OPS, "Drop the export queue")
    r.service.deny(incident, "C1", "loses customer exports", IC)
    r.service.drop_hypothesis(incident, "H1", "primary healthy", IC)
    r.service.propose_change(incident, "Scale the workers", "ops", OPS, change_id="C2")
    r.service.classify(incident, "C2", "safe", "reversible in seconds", IC)
    r.service.start_change(incident, "C2", OPS)
    r.service.record_result(incident, "C2", "no_change", "lag still growing", OPS)
    doc = _doc(r, incident)
    assert "10:05 UTC severity SEV-3 → SEV-1 by ic: checkout affected too" in doc
    assert "ic denied C1 (Drop the export queue): loses customer exports" in doc
    assert "hypothesis dropped: primary wedged (primary healthy)" in doc
    assert "Scale the workers: no\\_change (lag still growing)" in doc
    assert "**Severity:** SEV-1 (opened as SEV-3)" in doc


def test_cadence_is_measured_against_the_severity_in_force(r: Replay) -> None:
    incident = r.service.open("Exports slow", "SEV-3", "ic", IC).incident_id
    r.at("10:25")
    r.post(incident, IC, "initial", DraftInputs(impact="exports late"))  # within SEV-3's 30 min
    r.service.set_severity(incident, "SEV-1", "checkout affected", IC)
    r.at("10:50")  # 25 min without an update at SEV-1 (every 10 min)
    m = metrics(_ctx(r, incident))
    assert m.cadence_misses == 1
    assert m.longest_update_gap_s == 25 * 60
    assert "the status update cadence was missed 1 time(s)" in flags(_ctx(r, incident))
    assert "| Status update cadence | missed 1 time(s);" in _doc(r, incident)


def test_unfinished_incident_drafts_with_what_is_known(r: Replay) -> None:
    incident = r.service.open("Queue lag", "SEV-2", "ic", IC).incident_id
    r.service.propose_change(incident, "Add consumers", "ops", OPS)
    r.service.classify(incident, "C1", "safe", "reversible in seconds", IC)
    r.service.start_change(incident, "C1", OPS)
    r.at("10:12")
    doc = _doc(r, incident)
    assert "- Mitigated: not yet" in doc
    assert "User impact lasted 12 min (not mitigated when drafted)" in doc
    assert "change C1 has no recorded result" in doc
    assert "| Time to resolve (from impact start) | n/a |" in doc
    assert "### Within 1 hour\n\n_None recorded._" in doc


def test_text_from_the_timeline_is_escaped(r: Replay) -> None:
    incident = r.service.open("<img src=x onerror=alert(1)>", "SEV-2", "ic", IC).incident_id
    r.service.note(incident, "Decision: see [runbook](javascript:alert(1)) | *now*", IC)
    doc = _doc(r, incident)
    assert "<img" not in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc
    assert "\\[runbook\\](javascript:alert(1)) \\| \\*now\\*" in doc


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("Roll back release 42", "rollback"),
        ("rollback the config", "rollback"),
        ("Revert PR 1234", "rollback"),
        ("kubectl rollout undo deployment/checkout", "rollback"),
        ("Redeploy the previous release", "rollback"),
        ("Disable the recommendations feature flag", "degrade gracefully"),
        ("Rate-limit the export API", "degrade gracefully"),
        ("Raise maxclients to 200", "fix forward"),
    ],
)
def test_strategy_is_read_from_the_action(action: str, expected: str) -> None:
    change = Change(
        "C1", action, "ops", "", None, False, False, OPS, datetime(2026, 3, 15, tzinfo=timezone.utc)
    )
    assert strategy(change) == expected


def test_a_declared_strategy_beats_the_wording_and_a_guess_says_so(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-1", "ic", IC).incident_id
    r.service.propose_change(incident, "Roll back the schema change", "ops", OPS, strategy="fix-forward")
    r.service.propose_change(incident, "Roll back the release", "ops", OPS)
    state = r.service.state(incident)
    assert (strategy(state.changes["C1"]), strategy(state.changes["C2"])) == ("fix forward", "rollback")
    doc = _doc(r, incident)
    assert "### C1: Roll back the schema change (fix forward)" in doc
    assert "### C2: Roll back the release (rollback, guessed from the wording)" in doc


def test_commands_name_the_part_that_ran(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-3", "ic", IC).incident_id
    r.service.propose_change(incident, "Restart the worker", "ops", OPS)
    r.service.classify(incident, "C1", "safe", "reversible in seconds", IC)
    r.service.start_change(incident, "C1", OPS)
    for part, argv, dry in (("step", ["restart", "worker"], False), ("rollback", ["undo", "it"], True)):
        r.service.command_run(incident, argv, 0, "", OPS, change_id="C1", dry_run=dry, part=part)
    doc = _doc(r, incident)
    assert "- Command: restart worker (exit 0)" in doc
    assert "- Command (rollback): undo it (dry run)" in doc


def test_an_update_that_stated_no_impact_is_said_so_never_left_blank(r: Replay) -> None:
    incident = r.service.open("Queue lag", "SEV-2", "ic", IC).incident_id
    r.service.status_update(incident, "update", "INCIDENT UPDATE ...", IC)
    r.at("10:10")
    r.service.status_update(incident, "update", "...", IC, impact="EU checkouts fail", trend="worse")
    lines = [line for line in _doc(r, incident).splitlines() if line.startswith("- Reported at")]
    assert lines == [
        "- Reported at 10:00 UTC: impact not stated in this update",
        "- Reported at 10:10 UTC: EU checkouts fail; trend: worse",
    ]


def test_a_pending_risky_change_is_never_called_not_risky(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-1", "ic", IC).incident_id
    _risky(r, incident, OPS)
    decisions = _doc(r, incident).split("Key decisions", 1)[1]
    assert "not risky" not in decisions
    assert "risky, still waiting for approval" in decisions


def test_a_safe_change_needs_no_approval(r: Replay) -> None:
    incident = r.service.open("DB down", "SEV-1", "ic", IC).incident_id
    r.service.propose_change(incident, "Clear the cache", "ops", OPS, risky=False)
    r.service.classify(incident, "C1", "safe", "the cache refills from the database", IC)
    assert "not risky, no approval needed" in _doc(r, incident).split("Key decisions", 1)[1]
