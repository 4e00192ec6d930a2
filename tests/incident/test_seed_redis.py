"""The Redis max-connections incident of seed 003, replayed through the service on a fake clock.

Every expectation below is read off the seed's timeline log and its three stakeholder messages:
declared 14:03 with impact since about 14:00, first message with the next update at 14:15, the
14:15 update promising 14:25, resolved 14:18 after 18 minutes, postmortem the next day at 10:00.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.comms import render_markdown, render_text
from runbook_engine.postmortem import Context, metrics, render_postmortem
from tests.incident.replay import Replay, new_replay
from tests.incident.seed_redis import DAY, RedisRun, replay_redis

SECTIONS = (
    "## Summary",
    "## Impact window",
    "## Timeline",
    "## Key decisions",
    "## Changes and their measured effect",
    "## Metrics",
    "## Action items",
    "## Flags",
    "## Review questions",
)


@pytest.fixture
def replayed(tmp_path: Path) -> tuple[Replay, RedisRun]:
    replay = new_replay(tmp_path, DAY)
    return replay, replay_redis(replay)


def test_state_after_the_incident(replayed: tuple[Replay, RedisRun]) -> None:
    replay, run = replayed
    state = replay.service.state(run.incident)
    assert state.phase == "resolved"
    assert state.severity == "SEV-1"
    assert dict(state.roles) == {"ic": "alice", "ops": "bob"}
    assert state.started_at == replay.time("14:00")
    assert state.opened_at == replay.time("14:03")
    assert state.mitigated_at == replay.time("14:14")
    assert state.resolved_at == replay.time("14:18")
    change = state.changes["C1"]
    assert (change.owner, change.approved_by, change.result) == ("bob", "alice", "helped")
    assert change.started_at == replay.time("14:11")
    assert [u.kind for u in state.status_updates] == ["initial", "update", "update", "resolution"]
    assert [i.bucket for i in state.action_items] == ["1h", "24h", "1w", "1w"]
    assert state.change_in_flight is None and not state.pending_approvals


def test_resolving_four_minutes_after_mitigation_needs_the_ic_override(
    replayed: tuple[Replay, RedisRun],
) -> None:
    replay, run = replayed
    assert run.refusal is not None
    assert "monitoring window" in run.refusal.message
    assert "override" in run.refusal.hint
    assert replay.service.state(run.incident).resolve_override_reason


def test_initial_message_names_impact_who_start_ic_and_next_update(
    replayed: tuple[Replay, RedisRun],
) -> None:
    text = render_text(replayed[1].drafts["initial"])
    assert text.startswith("[14:05 UTC] INCIDENT SEV-1 ")
    assert "Impact: ~30% of checkout attempts failing" in text
    assert "Affected: users attempting to complete purchases" in text
    assert "Started: 14:00 UTC (estimated)" in text
    assert "Incident commander: alice" in text
    assert "Next update: 14:15 UTC" in text
    assert "Current hypothesis: not yet known" in text


def test_update_says_likely_not_identified_and_promises_the_next_update(
    replayed: tuple[Replay, RedisRun],
) -> None:
    text = render_text(replayed[1].drafts["update"])
    assert text.startswith("[14:15 UTC] INCIDENT UPDATE SEV-1 ")
    assert "likely: Redis connection issue" in text
    assert "not yet confirmed" in text
    assert "identified" not in text.lower()
    assert "Trend: down from 8% to 2%, still declining" in text
    assert "Progress: Raise Redis maxclients from 100 to 200: helped" in text
    assert "Next update: 14:25 UTC" in text
    assert "Impact: ~30% of checkout attempts failing" in text  # carried from the last message


def test_investigating_update_before_the_fix_only_suspects(replayed: tuple[Replay, RedisRun]) -> None:
    text = render_text(replayed[1].drafts["investigating"])
    assert "suspected: Redis connection issue (investigating)" in text
    assert "Raise Redis maxclients from 100 to 200 (approved, about to start), owned by bob" in text
    assert "Next update: 14:20 UTC" in text


def test_resolution_message_has_duration_cause_fix_impact_followups_postmortem(
    replayed: tuple[Replay, RedisRun],
) -> None:
    draft = replayed[1].drafts["resolution"]
    text = render_text(draft)
    assert text.startswith("[14:18 UTC] INCIDENT RESOLVED SEV-1 ")
    assert "Duration: 18 min (14:00-14:18 UTC)" in text
    assert "Root cause: Redis max_connections limit (100) hit by a traffic spike" in text
    assert "Fix applied: Raise Redis maxclients from 100 to 200" in text
    assert "about 2,400 failed checkout attempts" in text
    assert "Alert when Redis connections exceed 80% of capacity (owner alice, due 2026-03-22)" in text
    assert "Review connection pooling in the payment service" in text
    assert "Postmortem: 2026-03-16 10:00 UTC" in text
    assert draft.next_update_at is None
    assert "Next update" not in text


def test_markdown_form_escapes_the_values(replayed: tuple[Replay, RedisRun]) -> None:
    markdown = render_markdown(replayed[1].drafts["resolution"])
    assert "- **Root cause:** Redis max\\_connections limit (100)" in markdown


def test_posted_updates_are_in_the_timeline_with_their_promises(
    replayed: tuple[Replay, RedisRun],
) -> None:
    replay, run = replayed
    updates = replay.service.state(run.incident).status_updates
    assert [u.next_update_at for u in updates] == [
        replay.time("14:15"),
        replay.time("14:20"),
        replay.time("14:25"),
        None,
    ]
    assert updates[-1].text == render_text(run.drafts["resolution"])


def test_postmortem_metrics(replayed: tuple[Replay, RedisRun]) -> None:
    replay, run = replayed
    state = replay.service.state(run.incident)
    m = metrics(Context(replay.service.events(run.incident), state, replay.policy, replay.clock.now()))
    assert m.time_to_ic_s == 3 * 60
    assert m.time_to_first_update_s == 2 * 60
    assert m.time_to_mitigate_s == 14 * 60
    assert m.time_to_resolve_s == 18 * 60
    assert (m.updates, m.cadence_misses) == (4, 0)


def test_postmortem_has_every_section_and_the_seed_facts(replayed: tuple[Replay, RedisRun]) -> None:
    replay, run = replayed
    state = replay.service.state(run.incident)
    doc = render_postmortem(replay.service.events(run.incident), state, replay.policy, replay.clock.now())
    positions = [doc.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert "\\[14:11 UTC\\] @bob Started change C1" in doc
    assert "fix forward chosen: C1 (Raise Redis maxclients from 100 to 200), approved by alice" in doc
    assert "**helped**, Redis config updated" in doc
    assert "- Command: redis-cli config set maxclients 200 (exit 0)" in doc
    assert "| Time to resolve (from impact start) | 18 min |" in doc
    assert "| Status update cadence | kept;" in doc
    assert "### Within 24 hours\n\n- [ ] Make the Redis connection limit permanent" in doc
    assert "resolved by IC override before the monitoring window passed" in doc
    assert "required role(s) never filled for SEV-1: comms, scribe" in doc
    assert 'reported impact: "\\~30% of checkout attempts failing" from 14:05 UTC to 14:14 UTC (9 min)' in doc
    for question in (
        "What user impact lasted the longest?",
        "Which assumptions were wrong?",
        "Which signals were missing or too noisy?",
        "Which action items prevent recurrence, and which only speed up the response?",
        "Which runbook, alert or ownership gap made the incident worse?",
    ):
        assert f"### {question}" in doc
