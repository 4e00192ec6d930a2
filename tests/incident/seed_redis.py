"""The Redis max-connections incident (seed 003) as the events its timeline log describes.

14:03 IC declares, 14:07 hypothesis, 14:09 fix proposed with a rollback, 14:11 the config change,
14:12 errors dropping, 14:14 still monitoring, 14:18 back to baseline and resolved, 14:19 the
postmortem is scheduled. The three stakeholder messages go out at 14:05 (initial), 14:15
(update) and 14:18 (resolution), plus the 14:10 "investigating Redis" update from the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from runbook_engine.comms import DraftInputs, StatusDraft
from runbook_engine.errors import Refused
from tests.incident.replay import Replay, person

DAY = date(2026, 3, 15)
ALICE, BOB = person("alice"), person("bob")


@dataclass
class RedisRun:
    incident: str
    drafts: dict[str, StatusDraft] = field(default_factory=dict)
    refusal: Refused | None = None


def replay_redis(r: Replay) -> RedisRun:
    r.at("14:03")
    opened = r.service.open("Payment service degraded", "SEV-1", "alice", ALICE, started_at=r.time("14:00"))
    return _run(r, RedisRun(opened.incident_id))


def _run(r: Replay, run: RedisRun) -> RedisRun:
    inc, svc = run.incident, r.service
    r.at("14:03")
    svc.note(inc, "Error rate at 8%, affecting checkout. Investigating.", ALICE)
    svc.assign(inc, "ops", "bob", ALICE)
    r.at("14:04")
    svc.note(inc, "Checked deploys: payment-service v2.4.1 deployed 14:00 UTC", ALICE)
    r.at("14:05")
    svc.note(inc, 'payment service logs show "connection refused to redis"', BOB)
    run.drafts["initial"] = r.post(
        inc,
        ALICE,
        "initial",
        DraftInputs(
            impact="~30% of checkout attempts failing",
            affected="users attempting to complete purchases",
        ),
    )
    r.at("14:07")
    svc.hypothesis(inc, "Redis connection issue", ALICE)
    r.at("14:08")
    svc.note(inc, "Redis CPU at 95%, max connections reached (100/100)", BOB)
    r.at("14:09")
    svc.propose_change(
        inc,
        "Raise Redis maxclients from 100 to 200",
        "bob",
        BOB,
        hypothesis="H1",
        rollback="set maxclients back to 100; if errors persist, redeploy payment-service v2.4.0",
        risky=True,
        strategy="fix-forward",
    )
    svc.request_approval(inc, "C1", BOB)
    r.at("14:10")
    svc.approve(
        inc, "C1", ALICE, reason="fix forward: the limit is the bottleneck and the change reverts in seconds"
    )
    run.drafts["investigating"] = r.post(inc, ALICE, "update", DraftInputs())
    r.at("14:11")
    svc.start_change(inc, "C1", BOB)
    svc.command_run(inc, ["redis-cli", "config", "set", "maxclients", "200"], 0, "OK", BOB, change_id="C1")
    r.at("14:12")
    svc.record_result(inc, "C1", "helped", "Redis config updated. Error rate dropping.", BOB)
    r.at("14:14")
    svc.mitigate(inc, "error rate at 1.2% and falling after raising maxclients", ALICE)
    svc.start_monitoring(inc, ALICE)
    r.at("14:15")
    run.drafts["update"] = r.post(
        inc, ALICE, "update", DraftInputs(trend="down from 8% to 2%, still declining")
    )
    return _close(r, run)


def _close(r: Replay, run: RedisRun) -> RedisRun:
    inc, svc = run.incident, r.service
    r.at("14:18")
    try:
        svc.resolve(inc, "Error rate back to baseline 0.1%", ALICE)
    except Refused as exc:
        run.refusal = exc
    svc.resolve(
        inc,
        "Error rate back to baseline 0.1%",
        ALICE,
        override_reason="error rate at its 0.1% baseline; IC accepts a shorter watch",
    )
    svc.action_item(
        inc,
        "Send the final stakeholder update with the resolution summary",
        "alice",
        date(2026, 3, 15),
        "1h",
        ALICE,
    )
    svc.action_item(
        inc,
        "Make the Redis connection limit permanent in configuration",
        "bob",
        date(2026, 3, 16),
        "24h",
        ALICE,
    )
    svc.action_item(
        inc, "Alert when Redis connections exceed 80% of capacity", "alice", date(2026, 3, 22), "1w", ALICE
    )
    svc.action_item(
        inc, "Review connection pooling in the payment service", "bob", date(2026, 3, 22), "1w", ALICE
    )
    run.drafts["resolution"] = r.post(
        inc,
        ALICE,
        "resolution",
        DraftInputs(
            root_cause="Redis max_connections limit (100) hit by a traffic spike",
            customer_impact="about 2,400 failed checkout attempts (8% of attempts over 18 minutes)",
            postmortem_at="2026-03-16 10:00 UTC",
        ),
    )
    r.at("14:19")
    svc.note(inc, "Postmortem scheduled for 2026-03-16 10:00 UTC", ALICE)
    return run
