"""Postmortem facts from the timeline: time to IC, detection and mitigation gaps, the date of a
denial, pending risky changes, and suggested follow-ups decided with one command each."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from runbook_engine.cli import incident_context
from runbook_engine.timeline.clock import FakeClock
from tests.incident.cli_helpers import Cli


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(datetime(2026, 3, 10, 14, 14, tzinfo=timezone.utc))
    monkeypatch.setattr(incident_context, "SystemClock", lambda: fake)
    return fake


def _postmortem(cli: Cli, incident: str) -> str:
    code, out, err = cli("postmortem", incident)
    assert code == 0, err
    return out


def test_the_postmortem_states_the_facts(cli: Cli, clock: FakeClock) -> None:
    code, out, _ = cli(
        "incident",
        "open",
        "Checkout",
        "errors",
        "--sev",
        "SEV-1",
        "--no-ic",
        "--started-at",
        "14:05",
        actor="ameer",
    )
    incident = out.splitlines()[0]
    assert cli("incident", "assign", incident, "ic", "maria", actor="maria")[0] == 0
    cli("incident", "hypothesis", incident, "the", "release", "raised", "timeouts", actor="ameer")
    cli("incident", "propose", incident, "Partial", "deploy", "--hypothesis", "H1", actor="frank")
    cli(
        "incident",
        "propose",
        incident,
        "Raise",
        "maxclients",
        "--hypothesis",
        "H1",
        "--rollback",
        "lower it",
        actor="ameer",
    )
    clock.advance(4 * 60)
    assert cli("incident", "deny", incident, "C1", "--reason", "deploys frozen", actor="maria")[0] == 0
    assert cli("incident", "approve", incident, "C2", actor="maria")[0] == 0
    cli("incident", "start", incident, "C2", actor="ameer")
    clock.advance(5 * 60)
    cli("incident", "result", incident, "C2", "helped", "errors", "down", actor="ameer")
    cli("incident", "mitigate", incident, "errors", "at", "baseline", actor="maria")
    doc = _postmortem(cli, incident)
    assert "| Time to incident commander (from impact start) | 9 min |" in doc
    assert "| Detection gap (impact start to declaration) | 9 min |" in doc
    assert "| Mitigation gap (declaration to mitigation) | 9 min |" in doc
    assert "14:18 UTC maria denied C1 (Partial deploy): deploys frozen" in doc
    assert "(1h) Make Raise maxclients permanent, or automate it" in doc
    assert "open: `runbook incident followup" in doc
    code, _, err = cli("incident", "followup", incident, "nonsense", "accept", actor="maria")
    assert code == 1 and "[rule: unknown_followup]" in err
    code, out, _ = cli(
        "incident", "followup", incident, "automate-c2", "accept", "--owner", "ameer", actor="maria"
    )
    assert code == 0 and "Action item (1h, @ameer" in out
    assert cli("incident", "followup", incident, "team-released", "dismiss", actor="maria")[0] == 0
    doc = _postmortem(cli, incident)
    assert (
        "Make Raise maxclients permanent, or automate it (applied by hand during the incident): [x] accepted"
        in doc
    )
    assert "Thank the team and release them from incident duty: [-] dismissed" in doc
    assert "## Runbook and alert updates" in doc and "which alert should have fired?" in doc


def test_a_pending_risky_change_is_flagged_never_called_safe(cli: Cli, clock: FakeClock) -> None:
    incident = cli.open("--ic", "lee")
    cli("incident", "propose", incident, "Flush", "the", "cache", actor="ameer")
    doc = _postmortem(cli, incident)
    assert "risky change C1 (Flush the cache) was still pending (proposed)" in doc
    assert "not risky" not in doc
