"""Each expectation on a hand-made Snapshot: it holds, or its message says what differs."""

from __future__ import annotations

from typing import Any

import pytest

from runbook_engine.drill.expect import CHECKS, evaluate
from runbook_engine.drill.snapshot import Refusal, Snapshot
from runbook_engine.resources import load_schema

SNAP = Snapshot(
    phase="monitoring",
    severity="SEV-2",
    position="c",
    path=("a", "b", "c"),
    answers=("yes", "confirmed", None),
    roles={"ic": "ines", "ops": "omar"},
    change_in_flight="restart pods",
    pending_approvals=("raise limit",),
    update_overdue_s=90.0,
    next_update_due="14:15",
    status_updates=2,
    action_items=1,
    timeline=(
        "[14:00 UTC] @ines Opened SEV-2",
        "[14:05 UTC] @omar Note: p99 at 4 s",
        "[14:09 UTC] @ines Note: ok",
    ),
    refusals=(Refusal(3, "one_change_in_flight", "change C1 (restart pods) is still in flight"),),
    flags=("update-overdue",),
    gate_blocked=("approval",),
)


def test_every_check_is_in_the_schema() -> None:
    properties = load_schema("drill")["$defs"]["expect"]["properties"]
    assert set(CHECKS) == set(properties)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("node", "c"),
        ("path", ["a", "b", "c"]),
        ("visited", ["c", "a"]),
        ("not_visited", ["z"]),
        ("answers", ["a=yes", "b=confirmed"]),
        ("phase", "monitoring"),
        ("severity", "SEV-2"),
        ("roles", {"ic": "ines"}),
        ("change_in_flight", True),
        ("pending_approvals", 1),
        ("update_overdue", True),
        ("status_updates", 2),
        ("next_update", "14:15"),
        ("action_items", 1),
        ("refusals", ["one_change_in_flight"]),
        ("refusals", ["still in flight"]),
        ("timeline", ["Opened SEV-2", {"regex": r"^\[14:05 UTC\] @omar"}, "@ines Note"]),
        ("not_in_timeline", ["Resolved"]),
        ("flags", ["update-overdue"]),
        ("gate_blocked", ["approval"]),
    ],
)
def test_holds(name: str, value: Any) -> None:
    assert evaluate(name, SNAP, value) is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("node", "d", "expected the walker at 'd', but it is at 'c'"),
        ("path", ["a", "x", "c"], "expected path a -> x -> c, but visit 2 is 'b' instead of 'x'"),
        ("path", ["a", "b"], "expected path a -> b, but the walk went a -> b -> c"),
        ("visited", ["z"], "expected a visit to 'z', never entered"),
        ("not_visited", ["b"], "expected no visit to 'b', but the walk entered it"),
        (
            "answers",
            ["b=confirmed", "a=yes"],
            "expected answer 'a=yes' (in this order), answers given: a=yes, b=confirmed",
        ),
        ("phase", "resolved", "expected phase 'resolved', but it is 'monitoring'"),
        ("roles", {"ic": "omar"}, "expected roles differ: ic is 'ines', not 'omar'"),
        ("change_in_flight", False, "expected no change in flight, but 'restart pods' is"),
        ("pending_approvals", 0, "expected 0 pending approval(s), found 1 ('raise limit')"),
        ("update_overdue", False, "expected no overdue status update, but it is 1m30s late"),
        ("refusals", [], "expected refusals none, got one_change_in_flight at step 3"),
        (
            "timeline",
            ["@ines Note", "Opened"],
            "expected a timeline line containing 'Opened' (after the ones before it); none matches",
        ),
        (
            "not_in_timeline",
            [{"regex": "p99 at [0-9]"}],
            "expected no timeline line matching /p99 at [0-9]/, found '[14:05 UTC] @omar Note: p99 at 4 s'",
        ),
        ("flags", [], "expected flagged: nothing; flagged: 'update-overdue'"),
        ("gate_blocked", [], "expected the gate blocked by nothing; blocked by 'approval'"),
        (
            "next_update",
            None,
            "expected the next status update due never (none owed), but it is at 14:15 UTC",
        ),
    ],
)
def test_fails_with_message(name: str, value: Any, message: str) -> None:
    assert evaluate(name, SNAP, value) == message


def test_gate_needs_a_risky_action() -> None:
    message = evaluate("gate_blocked", Snapshot(position="a"), [])
    assert message == "expected the walker at a risky action's gate, but it is at 'a'"


def test_path_so_far_marks_each_answer() -> None:
    assert SNAP.path_so_far() == "a [yes] -> b [confirmed] -> c"
    assert Snapshot().path_so_far() == "(no node entered)"
