"""The 47-minute checkout incident (seed 001) as events, from T+0 = 14:05.

Nothing was recorded before command existed: the IC declares at T+9 (14:14) with the impact
start estimated at 14:05 and logs what happened before. The command loop starts at T+12 with the
first status update, the rollback of the riskiest recent release runs from T+15 to T+18, the
error rate is below 8% at T+27 and the incident closes at T+47 after two stable update intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from runbook_engine.comms import DraftInputs, StatusDraft
from tests.incident.replay import Replay, person

DAY = date(2026, 2, 10)
LEE, AMEER, SARA = person("lee"), person("ameer"), person("sara")
ROLLBACK = "Roll back the highest-risk release of the last 30 minutes"
RUNBOOK = "checkout-errors-after-deploy"


@dataclass
class CheckoutRun:
    incident: str
    drafts: dict[str, StatusDraft] = field(default_factory=dict)


def replay_checkout(r: Replay) -> CheckoutRun:
    r.at("14:14")
    opened = r.service.open(
        "Checkout payment authorization timeouts",
        "SEV-1",
        "lee",
        LEE,
        started_at=r.time("14:05"),
        service="checkout",
    )
    run = CheckoutRun(opened.incident_id)
    _command(r, run)
    _rollback(r, run)
    _close(r, run)
    return run


def _command(r: Replay, run: CheckoutRun) -> None:
    inc, svc = run.incident, r.service
    svc.note(
        inc,
        "Before command: three engineers tried separate fixes in parallel; "
        "a partial deploy raised the checkout error rate from 38% to 44%",
        LEE,
    )
    svc.note(inc, "Decision: ad-hoc deploys frozen; every action goes through this one channel", LEE)
    r.at("14:15")
    for role, name in (("ops", "ameer"), ("comms", "nora"), ("scribe", "kim")):
        svc.assign(inc, role, name, LEE)
    r.at("14:17")
    run.drafts["initial"] = r.post(
        inc,
        LEE,
        "initial",
        DraftInputs(
            impact="~38% checkout failures in web app",
            affected="shoppers paying in the web app",
        ),
    )
    r.at("14:18")
    svc.hypothesis(inc, "recent release increased payment timeout rate", LEE)


def _rollback(r: Replay, run: CheckoutRun) -> None:
    inc, svc = run.incident, r.service
    r.at("14:19")
    svc.propose_change(
        inc,
        ROLLBACK,
        "ameer",
        AMEER,
        hypothesis="H1",
        rollback="redeploy the release",
        risky=True,
        runbook=RUNBOOK,
        node="rollback-release",
        strategy="rollback",
    )
    svc.request_approval(inc, "C1", AMEER)
    svc.approve(inc, "C1", LEE, reason="rollback over fix-forward: the blast radius was growing")
    svc.enter_node(inc, RUNBOOK, "downstream-errors", SARA)
    r.at("14:20")
    svc.start_change(inc, "C1", AMEER)
    run.drafts["14:20"] = r.post(inc, LEE, "update", DraftInputs())
    r.at("14:23")
    svc.note(inc, "Highest-risk release rolled back", AMEER)
    r.at("14:25")
    svc.answer_node(inc, RUNBOOK, "downstream-errors", "no", SARA, evidence="gateway latency normal")
    r.at("14:30")
    run.drafts["14:30"] = r.post(inc, LEE, "update", DraftInputs(trend="falling since the rollback"))
    r.at("14:32")
    svc.record_result(inc, "C1", "helped", "error rate below 8%; synthetic checks confirm recovery", AMEER)
    svc.mitigate(inc, "rollback done; checkout traffic recovered", LEE)
    svc.start_monitoring(inc, LEE)


def _close(r: Replay, run: CheckoutRun) -> None:
    inc, svc = run.incident, r.service
    for hhmm in ("14:40", "14:50"):
        r.at(hhmm)
        run.drafts[hhmm] = r.post(inc, LEE, "update", DraftInputs(trend="stable at baseline"))
    r.at("14:52")
    svc.resolve(inc, "stable for two update intervals", LEE)
    svc.action_item(inc, "Add release guardrails", "ameer", date(2026, 2, 17), "1w", LEE)
    svc.action_item(inc, "Adopt an on-call command-role checklist", "lee", date(2026, 2, 17), "1w", LEE)
    run.drafts["resolution"] = r.post(
        inc,
        LEE,
        "resolution",
        DraftInputs(
            customer_impact="checkout failures between 38% and 44% until 14:32",
        ),
    )
