"""Status drafts say no more than the timeline knows: wording rules, cadence, kinds and escaping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runbook_engine.comms import (
    ActionLine,
    DraftInputs,
    actions_in_progress,
    build_draft,
    default_kind,
    hypothesis_text,
    render_markdown,
    render_text,
    with_last_impact,
)
from runbook_engine.policy import load_policy
from runbook_engine.timeline.state import Change, Hypothesis, IncidentState
from tests.incident.replay import Replay, new_replay, person
from tests.incident.seed_redis import DAY

IC, OPS = person("ic"), person("ops")


@pytest.fixture
def r(tmp_path: Path) -> Replay:
    return new_replay(tmp_path, DAY)


def _open(r: Replay, severity: str = "SEV-2", title: str = "Search slow") -> str:
    r.at("10:00")
    return r.service.open(title, severity, "ic", IC).incident_id


def _draft_text(r: Replay, incident: str, kind: str, inputs: DraftInputs | None = None) -> str:
    state = r.service.state(incident)
    return render_text(build_draft(state, r.policy, r.clock.now(), kind, inputs or DraftInputs()))


def test_untested_hypothesis_is_suspected_and_a_failed_test_keeps_it_so(r: Replay) -> None:
    incident = _open(r)
    assert hypothesis_text(r.service.state(incident)) == "not yet known; investigating"
    r.service.hypothesis(incident, "index rebuild", IC)
    assert hypothesis_text(r.service.state(incident)) == "suspected: index rebuild (investigating)"
    r.service.propose_change(incident, "Pause the rebuild", "ops", OPS, hypothesis="H1")
    r.service.classify(incident, "C1", "safe", "reversible in seconds", IC)
    r.service.start_change(incident, "C1", OPS)
    r.service.record_result(incident, "C1", "no_change", "p99 unchanged", OPS)
    text = hypothesis_text(r.service.state(incident))
    assert text.startswith("suspected: index rebuild (a change based on it did not help")
    assert "likely" not in text


def test_dropped_hypotheses_are_not_reported(r: Replay) -> None:
    incident = _open(r)
    r.service.hypothesis(incident, "dns", IC)
    r.service.hypothesis(incident, "disk full", IC)
    r.service.drop_hypothesis(incident, "H1", "resolves fine", IC)
    assert hypothesis_text(r.service.state(incident)) == "suspected: disk full (investigating)"


def test_pending_approval_and_answered_walks(r: Replay) -> None:
    incident = _open(r)
    r.service.hypothesis(incident, "bad release", IC)
    r.service.propose_change(
        incident, "Roll back", "ops", OPS, hypothesis="H1", rollback="redeploy", risky=True
    )
    r.service.request_approval(incident, "C1", OPS)
    r.service.enter_node(incident, "search", "check-index", OPS)
    r.service.enter_node(incident, "search", "check-disk", IC)
    r.service.answer_node(incident, "search", "check-disk", "no", IC)
    lines = actions_in_progress(r.service.state(incident))
    assert lines == (
        ActionLine("Roll back (awaiting approval)", "ops"),
        ActionLine("runbook search: check-index", "ops"),
    )


def test_sev4_has_no_cadence_so_the_next_update_is_as_needed(r: Replay) -> None:
    incident = _open(r, "SEV-4")
    state = r.service.state(incident)
    draft = build_draft(state, r.policy, r.clock.now(), "initial", DraftInputs())
    assert draft.next_update_at is None
    assert "Next update: as needed" in render_text(draft)
    assert "Impact: being assessed" in render_text(draft)  # never the title dressed up as impact


def test_cadence_follows_the_severity_and_can_be_overridden(r: Replay) -> None:
    incident = _open(r, "SEV-3")
    assert "Next update: 10:30 UTC" in _draft_text(r, incident, "initial")
    promised = r.clock.now() + timedelta(minutes=5)
    assert "Next update: 10:05 UTC" in _draft_text(
        r, incident, "update", DraftInputs(next_update_at=promised)
    )


def test_resolution_without_a_tested_cause_says_it_is_not_established(r: Replay) -> None:
    incident = _open(r)
    r.at("10:20")
    r.service.mitigate(incident, "traffic shifted to the other region", IC)
    r.service.resolve(incident, "stable", IC, override_reason="region drained")
    text = _draft_text(r, incident, "resolution")
    assert "Duration: 20 min (10:00-10:20 UTC)" in text
    assert "Root cause: not yet established" in text
    assert "Fix applied: traffic shifted to the other region" in text
    assert "Follow-ups: none recorded yet" in text


def test_default_kind_moves_from_initial_to_update_to_resolution(r: Replay) -> None:
    incident = _open(r)
    assert default_kind(r.service.state(incident)) == "initial"
    r.post(incident, IC, "initial", DraftInputs(impact="p99 at 8 s"))
    assert default_kind(r.service.state(incident)) == "update"
    r.service.mitigate(incident, "cache warmed", IC)
    r.service.resolve(incident, "ok", IC, override_reason="fine")
    assert default_kind(r.service.state(incident)) == "resolution"


def test_carried_impact_is_dated_and_a_new_one_is_not(r: Replay) -> None:
    incident = _open(r)
    r.post(incident, IC, "initial", DraftInputs(impact="p99 at 8 s"))
    events = r.service.events(incident)
    carried = with_last_impact(DraftInputs(), events)
    assert (carried.impact, carried.impact_as_of) == ("p99 at 8 s", r.time("10:00"))
    fresh = with_last_impact(DraftInputs(impact="p99 at 2 s"), events)
    assert fresh.impact_as_of is None
    r.at("10:10")
    assert "Impact: p99 at 8 s (as reported at 10:00 UTC)" in _draft_text(r, incident, "update", carried)


def test_markdown_escapes_free_text_from_people(r: Replay) -> None:
    incident = _open(r, title="<script>x</script> *checkout* [link](javascript:x)")
    state = r.service.state(incident)
    markdown = render_markdown(build_draft(state, r.policy, r.clock.now(), "initial", DraftInputs()))
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown
    assert "\\*checkout\\*" in markdown
    assert "\\[link\\]" in markdown


RESULTS = st.lists(st.sampled_from(["helped", "no_change", "worse", None]), max_size=4)


@given(results=RESULTS, root_cause=st.sampled_from(["", "pool too small"]))
def test_certainty_never_exceeds_the_recorded_results(results: list[str | None], root_cause: str) -> None:
    state = _state_with_results(results)
    policy = load_policy()
    at = datetime(2026, 3, 15, 11, 0, tzinfo=timezone.utc)
    words = [
        render_text(build_draft(state, policy, at, kind, DraftInputs(root_cause=root_cause))).lower()
        for kind in ("update", "resolution")
    ]
    helped = "helped" in results
    assert ("likely: pool exhausted" in words[0]) is helped
    assert ("suspected: pool exhausted" in words[0]) is not helped
    assert "confirmed" not in words[0].replace("not yet confirmed", "")
    if not root_cause:
        assert ("most likely pool exhausted" in words[1]) is helped
        assert "root cause: pool exhausted" not in words[1]


def _state_with_results(results: list[str | None]) -> IncidentState:
    at = datetime(2026, 3, 15, 10, 0, tzinfo=timezone.utc)
    changes = {
        f"C{n}": Change(
            f"C{n}",
            f"change {n}",
            "ops",
            "H1",
            "undo",
            False,
            False,
            OPS,
            at,
            status="done" if result else "proposed",
            result=result,
            result_at=at if result else None,
        )
        for n, result in enumerate(results, start=1)
    }
    return IncidentState(
        incident_id="INC-1",
        title="DB slow",
        severity="SEV-2",
        opened_at=at,
        started_at=at,
        hypotheses={"H1": Hypothesis("H1", "pool exhausted", "ic", at)},
        changes=changes,
    )
