"""What steps do against the tiny runbook: refusals, clock moves, approvals, incident actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.drill.library import Library, Policies, run_one
from runbook_engine.drill.result import DrillResult

HEAD = (
    "drill: t\nrunbook: tiny\nscenario:\n  severity: SEV-3\n  start: 2026-04-01T09:00Z\n"
    "  roles: {ic: ines, primary: omar, owner: olga}\nsteps:\n"
)


def _run(folder: Path, steps: str, expect: str = "") -> DrillResult:
    path = folder / "drills" / "t.yaml"
    path.write_text(HEAD + steps + (f"expect:\n{expect}" if expect else ""), encoding="utf-8")
    return run_one(path, Library(), Policies())


def _message(result: DrillResult) -> str:
    assert not result.passed
    first = result.failures[0]
    return f"{first.where()}: {first.expectation}: {first.message}"


def test_a_refusal_that_does_not_come_fails(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - note: all good\n    refused: true\n")
    assert _message(result) == (
        "step 1 (note all good): refused: expected the engine to refuse 'note all good', it accepted it"
    )


def test_a_refusal_by_another_rule_fails(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - resolve: done\n    as: ines\n    refused: monitoring_window\n")
    assert _message(result) == (
        "step 1 (resolve done): refused: expected a refusal by 'monitoring_window', "
        "got not_mitigated: the incident is not mitigated"
    )


def test_unknown_answer_lists_the_answers(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - answer: maybe\n")
    expected = "step 1 (answer maybe): answer: slow has no answer 'maybe'; its answers: yes, no"
    assert _message(result) == expected


def test_node_is_checked_before_answering(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - answer: 'yes'\n    node: restart\n")
    assert _message(result) == (
        "step 1 (answer yes): node: expected the walker at 'restart' before this step, it is at 'slow'"
    )


def test_the_clock_never_goes_back(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - wait: 10m\n  - at: '09:05'\n    note: late\n")
    assert _message(result) == "step 2 (note late): at: 09:05 is before the drill's clock (09:10 UTC)"


def test_approve_needs_something_pending(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - approve: true\n")
    assert _message(result) == (
        "step 1 (approve): approve: exactly one change must await approval, found: nothing"
    )


def test_off_runbook_changes_by_alias(tiny_library: Path) -> None:
    steps = (
        "  - change: {id: cache, action: flush the cache, hypothesis: stale entries, rollback: none needed}\n"
        "  - start: cache\n    refused: needs_approval\n"
        "  - approve: cache\n    as: omar\n    refused: four_eyes\n"
        "  - approve: cache\n"
        "  - at: T+1m\n    start: cache\n"
        "  - result: {change: cache, result: worse, observation: p99 doubled}\n"
    )
    expect = (
        "  refusals: [needs_approval, four_eyes]\n"
        "  timeline:\n"
        "    - '[09:00 UTC] @omar Proposed change C1 [RISKY]: flush the cache'\n"
        "    - '[09:00 UTC] @olga Approved change C1 (decided by @olga)'\n"
        "    - '[09:01 UTC] @omar Result of change C1: worse - p99 doubled'\n"
    )
    result = _run(tiny_library, steps, expect)
    assert result.passed, result.failures


def test_incident_actions_and_flags(tiny_library: Path) -> None:
    steps = (
        "  - severity: SEV-2\n    reason: more customers affected\n"
        "  - handover: {role: ic, to: ivan}\n    reason: shift change\n    as: ines\n"
        "  - at: T+20m\n    check: true\n    expect:\n"
        "      flags: [no-status-update, update-overdue, cadence-missed]\n"
        "  - mitigate: nothing to mitigate\n    as: ivan\n"
        "  - resolve: gone\n    reason: false alarm\n    as: ivan\n"
        "  - reopen: true\n    reason: it came back\n    as: ivan\n"
    )
    expect = (
        "  phase: open\n  severity: SEV-2\n  roles: {ic: ivan}\n"
        "  timeline: ['Severity SEV-3 -> SEV-2: more customers affected', 'Reopened: it came back']\n"
    )
    result = _run(tiny_library, steps, expect)
    assert result.passed, result.failures


def test_drills_never_touch_the_working_store(
    tiny_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tiny_library)
    monkeypatch.setenv("RUNBOOK_STORE", str(tiny_library / "real.db"))
    assert _run(tiny_library, "  - answer: 'yes'\n").passed
    assert not (tiny_library / "real.db").exists()
    assert not (tiny_library / ".runbook").exists()


def test_handing_over_a_role_nobody_holds_fails_the_step(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - handover: {role: comms, to: cleo}\n    reason: shift change\n")
    assert _message(result) == (
        "step 1 (handover comms): handover: nobody holds the comms role: assign it instead"
    )


def test_an_event_the_timeline_rejects_fails_the_step(tiny_library: Path) -> None:
    result = _run(tiny_library, "  - assign: {role: chef, person: cleo}\n  - note: never reached\n")
    assert result.failures[0].expectation == "step"
    assert "role_assigned" in result.failures[0].message
    assert result.steps_run == 1


def test_override_and_drop_hypothesis(tiny_library: Path) -> None:
    steps = (
        "  - hypothesis_stated: the cache is cold\n"
        "  - drop_hypothesis: H1\n    reason: hit rate is 98%\n"
        "  - change: {id: a, action: first fix}\n"
        "  - classify: a\n    reason: a config reload, undone by the next\n  - start: a\n"
        "  - result: {change: a, result: no_change, observation: same}\n"
        "  - change: {id: b, action: second fix}\n"
        "  - classify: b\n    reason: same kind of reload\n"
        "  - start: b\n    refused: observation_window\n"
        "  - override: observation_window\n    reason: the first fix did nothing at all\n"
        "    as: omar\n    refused: authority_override\n"
        "  - override: observation_window\n    reason: the first fix did nothing at all\n"
        "  - start: b\n"
    )
    expect = (
        "  change_in_flight: true\n"
        "  timeline: ['Dropped hypothesis H1: hit rate is 98%', 'Override of rule observation_window']\n"
    )
    result = _run(tiny_library, steps, expect)
    assert result.passed, result.failures


def test_runs_without_a_memory_backed_folder(tiny_library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from runbook_engine.drill import runner

    monkeypatch.setattr(runner, "RAM_FOLDERS", (tiny_library / "absent",))
    assert runner._scratch_parent() is None
    assert _run(tiny_library, "  - answer: 'yes'\n").passed
