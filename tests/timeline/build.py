"""Hand-built timelines for fold, format and schema tests: sealed events without any store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from runbook_engine.timeline.chain import seal
from runbook_engine.timeline.events import GENESIS_HASH, Actor, Event, EventType, NewEvent

T0 = datetime(2026, 3, 4, 14, 0, tzinfo=timezone.utc)
INCIDENT = "INC-20260304-0001"

Spec = tuple[float, Actor, EventType, Mapping[str, Any]]
"""(minutes after T0, actor, type, payload)."""


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def chain(specs: Sequence[Spec]) -> list[Event]:
    """Seal the specs into a chained timeline starting at seq 1."""
    events: list[Event] = []
    prev = GENESIS_HASH
    for seq, (minutes, actor, kind, payload) in enumerate(specs, start=1):
        event = seal(INCIDENT, seq, prev, NewEvent(kind, actor, payload), at(minutes))
        events.append(event)
        prev = event.hash
    return events


def opened(severity: str = "SEV-2", ic: str = "bob") -> dict[str, Any]:
    return {
        "title": "Checkout errors above 5%",
        "severity": severity,
        "ic": ic,
        "started_at": "2026-03-04T13:52:00+00:00",
        "runbook": "checkout-errors",
        "service": "checkout",
    }


SAMPLES: dict[EventType, dict[str, Any]] = {
    EventType.INCIDENT_OPENED: opened(),
    EventType.ROLE_ASSIGNED: {"role": "comms", "person": "carol"},
    EventType.ROLE_HANDED_OVER: {"role": "ic", "from": "bob", "to": "dave", "reason": "end of shift"},
    EventType.SEVERITY_CHANGED: {"from": "SEV-2", "to": "SEV-1", "reason": "all regions down"},
    EventType.NOTE: {"text": "p99 at 4s\nsince the deploy"},
    EventType.HYPOTHESIS_STATED: {"id": "H1", "text": "Redis is at max connections"},
    EventType.HYPOTHESIS_DROPPED: {"id": "H1", "reason": "connections at 40%"},
    EventType.NODE_ENTERED: {"runbook": "redis", "node": "check-clients", "walker": "alice"},
    EventType.NODE_ANSWERED: {
        "runbook": "redis",
        "node": "check-clients",
        "answer": "at-limit",
        "evidence": "10000/10000",
        "walker": "alice",
    },
    EventType.CHANGE_PROPOSED: {
        "change_id": "C1",
        "runbook": "redis",
        "node": "raise-maxclients",
        "action": "Raise maxclients to 20000",
        "hypothesis": "H1",
        "rollback": "CONFIG SET maxclients 10000",
        "irreversible": False,
        "risky": True,
        "owner": "dave",
        "cleanup": ["restore-maxclients"],
    },
    EventType.APPROVAL_REQUESTED: {"change_id": "C1", "approver_role": "ic"},
    EventType.APPROVAL_GRANTED: {"change_id": "C1", "by": "bob", "reason": "rollback is one command"},
    EventType.APPROVAL_DENIED: {"change_id": "C1", "by": "bob", "reason": "too broad"},
    EventType.CHANGE_STARTED: {"change_id": "C1"},
    EventType.CHANGE_RESULT: {"change_id": "C1", "result": "no_change", "observation": "errors flat"},
    EventType.COMMAND_RUN: {
        "change_id": "C1",
        "argv": ["redis-cli", "CONFIG", "SET", "maxclients", "20000"],
        "exit_code": 0,
        "output": "OK",
        "dry_run": False,
    },
    EventType.STATUS_UPDATE: {
        "kind": "update",
        "impact": "5% of checkouts fail",
        "hypothesis": "Redis connection limit (unconfirmed)",
        "actions": [{"action": "raising maxclients", "owner": "dave"}],
        "trend": "flat",
        "next_update_at": "2026-03-04T14:30:00+00:00",
        "text": "Investigating...",
    },
    EventType.ACTION_ITEM: {
        "text": "Alert on connection saturation",
        "owner": "dave",
        "due": "2026-03-11",
        "bucket": "1w",
    },
    EventType.MITIGATED: {"summary": "errors at baseline"},
    EventType.MONITORING_STARTED: {"window_s": 900},
    EventType.RESOLVED: {"summary": "maxclients raised", "override_reason": None},
    EventType.REOPENED: {"reason": "errors are back"},
    EventType.OVERRIDE: {"rule": "observation_window", "reason": "rollback, not a new change"},
    EventType.COMMAND_CLAIMED: {"reason": "bob silent for 10 min"},
    EventType.COMMAND_CONFIRMED: {"claimant": "carol"},
    EventType.CHANGE_OWNER_CHANGED: {
        "change_id": "C1",
        "from": "dave",
        "to": "carol",
        "reason": "dave paged",
    },
    EventType.CHANGE_CLASSIFIED: {"change_id": "C1", "risk": "safe", "reason": "read-only"},
    EventType.POLICY_CHANGED: {"digest": "ab" * 32, "data": {"severities": {}}, "reason": "night rules"},
    EventType.TASK_ASSIGNED: {
        "task_id": "T1",
        "text": "Check rollback feasibility",
        "owner": "dave",
        "eta": "2026-03-04T14:20:00+00:00",
    },
    EventType.TASK_ACKED: {"task_id": "T1"},
    EventType.TASK_DONE: {"task_id": "T1", "outcome": "done", "note": "rollback is ready"},
    EventType.FOLLOWUP_DECIDED: {"key": "automate-C1", "decision": "accepted", "reason": "config drift"},
    EventType.POST_ATTEMPT: {"post_id": "12:exec-updates", "channel": "exec-updates", "lease_s": 30},
    EventType.POST_DELIVERED: {
        "post_id": "12:exec-updates",
        "channel": "exec-updates",
        "attempts": 2,
        "status": 200,
    },
    EventType.POST_FAILED: {
        "post_id": "12:exec-updates",
        "channel": "exec-updates",
        "attempts": 3,
        "reason": "HTTP 503",
        "retry_at": "2026-03-04T14:09:00+00:00",
    },
    EventType.UPDATE_REMINDER: {
        "text": "Status update overdue",
        "due_at": "2026-03-04T14:05:00+00:00",
        "post_to": ["ic-room"],
    },
}
"""A valid payload for every event type."""
