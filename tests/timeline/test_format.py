"""Human lines for every event type, and the schema that every sample event satisfies."""

from __future__ import annotations

import pytest

from runbook_engine.format.schema import is_valid
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.payloads import payload_problem
from tests.timeline.build import SAMPLES, chain
from tests.timeline.conftest import ALICE

EXPECTED = {
    EventType.INCIDENT_OPENED: "Opened SEV-2 on checkout: Checkout errors above 5% (IC @bob)",
    EventType.ROLE_ASSIGNED: "@carol is now Comms",
    EventType.ROLE_HANDED_OVER: "Handed over IC from @bob to @dave: end of shift",
    EventType.SEVERITY_CHANGED: "Severity SEV-2 -> SEV-1: all regions down",
    EventType.NOTE: "Note: p99 at 4s since the deploy",
    EventType.HYPOTHESIS_STATED: "Hypothesis: Redis is at max connections (H1)",
    EventType.HYPOTHESIS_DROPPED: "Dropped hypothesis H1: connections at 40%",
    EventType.NODE_ENTERED: "Entered redis#check-clients [walker @alice]",
    EventType.NODE_ANSWERED: "Answered redis#check-clients: at-limit (evidence: 10000/10000) [walker @alice]",
    EventType.CHANGE_PROPOSED: (
        "Proposed change C1 [RISKY]: Raise maxclients to 20000; tests: H1; "
        "rollback: CONFIG SET maxclients 10000; owner @dave"
    ),
    EventType.APPROVAL_REQUESTED: "Requested approval of change C1 from the IC",
    EventType.APPROVAL_GRANTED: "Approved change C1 (decided by @bob): rollback is one command",
    EventType.APPROVAL_DENIED: "Denied change C1 (decided by @bob): too broad",
    EventType.CHANGE_STARTED: "Started change C1",
    EventType.CHANGE_RESULT: "Result of change C1: no change - errors flat",
    EventType.COMMAND_RUN: "Ran for change C1: redis-cli CONFIG SET maxclients 20000 -> exit 0",
    EventType.STATUS_UPDATE: "Posted a status update: 5% of checkouts fail; next update 14:30 UTC",
    EventType.ACTION_ITEM: "Action item (1w, @dave, due 2026-03-11): Alert on connection saturation",
    EventType.MITIGATED: "Mitigated: errors at baseline",
    EventType.MONITORING_STARTED: "Monitoring for 15m",
    EventType.RESOLVED: "Resolved: maxclients raised",
    EventType.REOPENED: "Reopened: errors are back",
    EventType.OVERRIDE: "Override of rule observation_window: rollback, not a new change",
    EventType.COMMAND_CLAIMED: "Claims command from an absent IC: bob silent for 10 min",
    EventType.COMMAND_CONFIRMED: "Confirmed @carol takes command",
    EventType.CHANGE_OWNER_CHANGED: "Handed change C1 from @dave to @carol: dave paged",
    EventType.CHANGE_CLASSIFIED: "Classified change C1 safe: read-only",
    EventType.POLICY_CHANGED: "Policy replaced (abababababab): night rules",
    EventType.TASK_ASSIGNED: "Task T1 for @dave (ETA 14:20 UTC): Check rollback feasibility",
    EventType.TASK_ACKED: "Acknowledged task T1",
    EventType.TASK_DONE: "Task T1 done: rollback is ready",
    EventType.FOLLOWUP_DECIDED: "Follow-up automate-C1 accepted: config drift",
    EventType.POST_ATTEMPT: "Posting message #12 to exec-updates",
    EventType.POST_DELIVERED: "Delivered message #12 to exec-updates (HTTP 200, 2 requests)",
    EventType.POST_FAILED: (
        "Could not post message #12 to exec-updates: HTTP 503 (3 requests); still queued; "
        "next try after 14:09 UTC"
    ),
    EventType.UPDATE_REMINDER: "Reminder: status update overdue since 14:05 UTC; queued for ic-room",
}


def _sample(kind: EventType) -> Event:
    return chain([(7, ALICE, kind, SAMPLES[kind])])[0]


def test_every_event_type_has_a_sample_and_a_line() -> None:
    assert set(SAMPLES) == set(EventType) == set(EXPECTED)


@pytest.mark.parametrize("kind", list(EventType), ids=lambda kind: kind.value)
def test_human_line(kind: EventType) -> None:
    assert human_line(_sample(kind)) == f"[14:07 UTC] @alice {EXPECTED[kind]}"


@pytest.mark.parametrize("kind", list(EventType), ids=lambda kind: kind.value)
def test_sample_payloads_and_records_fit_the_schema(kind: EventType) -> None:
    assert payload_problem(NewEvent(kind, ALICE, SAMPLES[kind])) is None
    assert is_valid(_sample(kind).to_dict(), "timeline-event")


def test_records_survive_a_json_round_trip() -> None:
    event = _sample(EventType.CHANGE_PROPOSED)
    assert Event.from_dict(event.to_dict()) == event


def test_dry_runs_irreversible_changes_and_overrides_read_as_such() -> None:
    dry = {**SAMPLES[EventType.COMMAND_RUN], "dry_run": True, "exit_code": None, "change_id": None}
    irreversible = {**SAMPLES[EventType.CHANGE_PROPOSED], "irreversible": True, "rollback": None}
    resolved = {"summary": "false alarm", "override_reason": "alert misfired"}
    lines = [
        human_line(chain([(0, ALICE, kind, payload)])[0])
        for kind, payload in [
            (EventType.COMMAND_RUN, dry),
            (EventType.CHANGE_PROPOSED, irreversible),
            (EventType.RESOLVED, resolved),
        ]
    ]
    assert lines == [
        "[14:00 UTC] @alice Dry run: redis-cli CONFIG SET maxclients 20000",
        "[14:00 UTC] @alice Proposed change C1 [IRREVERSIBLE]: Raise maxclients to 20000; "
        "tests: H1; owner @dave",
        "[14:00 UTC] @alice Resolved: false alarm (IC override: alert misfired)",
    ]


def test_an_actor_without_a_name_is_refused() -> None:
    nameless = Actor(" ", "os", "host")
    assert "actor" in (payload_problem(NewEvent(EventType.NOTE, nameless, {"text": "x"})) or "")


@pytest.mark.parametrize(
    ("kind", "change", "problem"),
    [
        (EventType.NOTE, {"text": ""}, "text"),
        (EventType.NOTE, {"text": "x", "extra": 1}, "extra"),
        (EventType.CHANGE_RESULT, {"result": "better"}, "result"),
        (EventType.ROLE_ASSIGNED, {"role": "king"}, "role"),
        (EventType.ACTION_ITEM, {"bucket": "2d"}, "bucket"),
        (EventType.ACTION_ITEM, {"due": "2026-13-45"}, "due"),
        (EventType.INCIDENT_OPENED, {"started_at": "yesterday"}, "started_at"),
        (EventType.STATUS_UPDATE, {"next_update_at": "soon"}, "next_update_at"),
        (EventType.COMMAND_RUN, {"argv": []}, "argv"),
    ],
)
def test_bad_payloads_are_named(kind: EventType, change: dict[str, object], problem: str) -> None:
    found = payload_problem(NewEvent(kind, ALICE, {**SAMPLES[kind], **change}))
    assert found is not None and problem in found
