"""The 47-minute checkout incident of seed 001, replayed through the service on a fake clock.

Expectations come from the seed's war story: T+0 at 14:05, one IC at T+9, command loop at T+12,
rollback of the riskiest recent release (chosen over fixing forward because the blast radius was
growing), error rate below 8% at T+27, closed at T+47 after two stable update intervals, and the
14:20 status template (rollback owned by Ameer, gateway check owned by Sara, next update 14:30).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.comms import render_text
from runbook_engine.postmortem import Context, flags, metrics, render_postmortem, strategy
from tests.incident.replay import Replay, new_replay
from tests.incident.seed_checkout import DAY, ROLLBACK, CheckoutRun, replay_checkout
from tests.incident.test_seed_redis import SECTIONS


@pytest.fixture
def replayed(tmp_path: Path) -> tuple[Replay, CheckoutRun]:
    replay = new_replay(tmp_path, DAY)
    return replay, replay_checkout(replay)


def _context(replay: Replay, run: CheckoutRun) -> Context:
    state = replay.service.state(run.incident)
    return Context(replay.service.events(run.incident), state, replay.policy, replay.clock.now())


def test_state_after_the_incident(replayed: tuple[Replay, CheckoutRun]) -> None:
    replay, run = replayed
    state = replay.service.state(run.incident)
    assert state.phase == "resolved"
    assert dict(state.roles) == {"ic": "lee", "ops": "ameer", "comms": "nora", "scribe": "kim"}
    assert state.started_at == replay.time("14:05")
    assert state.mitigated_at == replay.time("14:32")
    assert state.resolved_at == replay.time("14:52")
    assert not state.resolve_override_reason  # 20 minutes of monitoring: no override needed
    assert len(state.changes) == 1  # one change at a time, no parallel experiments
    assert strategy(state.changes["C1"]) == "rollback"
    after_mitigation = [u for u in state.status_updates if u.kind == "update" and u.at > replay.time("14:32")]
    assert len(after_mitigation) == 2  # closed after two stable update intervals


def test_status_template_at_1420(replayed: tuple[Replay, CheckoutRun]) -> None:
    text = render_text(replayed[1].drafts["14:20"])
    assert text.startswith("[14:20 UTC] INCIDENT UPDATE SEV-1 ")
    assert "Impact: ~38% checkout failures in web app" in text
    assert "suspected: recent release increased payment timeout rate" in text
    assert f"{ROLLBACK} (in progress), owned by ameer" in text
    assert "owned by sara" in text
    assert "Next update: 14:30 UTC" in text


def test_update_while_the_rollback_runs_claims_no_effect(replayed: tuple[Replay, CheckoutRun]) -> None:
    text = render_text(replayed[1].drafts["14:30"])
    assert "effect not measured yet" in text
    assert "helped" not in text
    assert "(as reported at 14:17 UTC)" in text


def test_updates_after_mitigation_date_the_old_impact(replayed: tuple[Replay, CheckoutRun]) -> None:
    text = render_text(replayed[1].drafts["14:40"])
    assert "Status: Mitigated; monitoring" in text
    assert "before mitigation at 14:32 UTC" in text
    assert "likely: recent release increased payment timeout rate" in text


def test_resolution_reports_47_minutes_and_an_unconfirmed_cause(replayed: tuple[Replay, CheckoutRun]) -> None:
    text = render_text(replayed[1].drafts["resolution"])
    assert "Duration: 47 min (14:05-14:52 UTC)" in text
    assert "Root cause: most likely recent release increased payment timeout rate (not yet confirmed" in text
    assert f"Fix applied: {ROLLBACK}" in text
    assert "Add release guardrails (owner ameer, due 2026-02-17)" in text
    assert "Postmortem: to be scheduled" in text


def test_metrics_match_the_war_story(replayed: tuple[Replay, CheckoutRun]) -> None:
    m = metrics(_context(*replayed))
    assert m.time_to_ic_s == 9 * 60
    assert m.time_to_first_update_s == 3 * 60  # command loop at T+12
    assert m.time_to_mitigate_s == 27 * 60
    assert m.time_to_resolve_s == 47 * 60
    assert m.cadence_misses == 0


def test_postmortem_sections_decisions_and_no_flags(replayed: tuple[Replay, CheckoutRun]) -> None:
    replay, run = replayed
    ctx = _context(replay, run)
    doc = render_postmortem(ctx.events, ctx.state, ctx.policy, ctx.now)
    positions = [doc.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert "rollback chosen: C1" in doc
    assert "- **Service:** checkout; runbook: none named" in doc
    assert "the blast radius was growing" in doc
    assert "Decision: ad-hoc deploys frozen" in doc
    assert "Measured effect at 14:32 UTC (12 min after start): **helped**" in doc
    assert "| Time to incident commander (from impact start) | 9 min |" in doc
    assert "impact began 9 min before the incident was declared" in doc
    assert (
        'reported impact: "\\~38% checkout failures in web app" from 14:17 UTC to 14:32 UTC (15 min)' in doc
    )
    assert "runbooks followed: checkout-errors-after-deploy (walked by sara)" in doc
    assert flags(ctx) == []
    assert "## Flags\n\n_None raised._" in doc
