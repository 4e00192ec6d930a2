"""The service end to end on one incident: a risky change through approval to resolution."""

from __future__ import annotations

import pytest

from runbook_engine.errors import Refused
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.service import IncidentService
from tests.timeline.conftest import ALICE, BOB, DAVE


def test_risky_change_from_proposal_to_resolution(
    svc: IncidentService, incident: str, clock: FakeClock
) -> None:
    svc.hypothesis(incident, "Redis is at max connections", ALICE)
    svc.propose_change(
        incident,
        "Raise maxclients to 20000",
        "dave",
        DAVE,
        hypothesis="H1",
        rollback="CONFIG SET maxclients 10000",
        risky=True,
    )
    svc.request_approval(incident, "C1", DAVE)
    assert [c.change_id for c in svc.state(incident).pending_approvals] == ["C1"]
    svc.approve(incident, "C1", BOB, reason="rollback is one command")
    svc.start_change(incident, "C1", DAVE)
    assert svc.state(incident).change_in_flight is not None
    clock.advance(120)
    svc.record_result(incident, "C1", "helped", "errors fell to 0.2%", DAVE)
    svc.mitigate(incident, "errors back to baseline", BOB)
    clock.advance(15 * 60)
    svc.resolve(incident, "maxclients raised; follow-up on pool sizing", BOB)
    state = svc.state(incident)
    assert (state.phase, state.changes["C1"].status, state.change_in_flight) == ("resolved", "done", None)
    assert svc.store.verify(incident).ok


def test_starting_an_unapproved_risky_change_is_refused(svc: IncidentService, incident: str) -> None:
    svc.propose_change(
        incident,
        "Failover",
        "dave",
        DAVE,
        hypothesis="the primary is overloaded",
        rollback="fail back",
        risky=True,
    )
    with pytest.raises(Refused, match="has not been approved"):
        svc.start_change(incident, "C1", DAVE)


def test_human_line_reads_like_the_channel(svc: IncidentService, incident: str, clock: FakeClock) -> None:
    clock.advance(7 * 60)
    event = svc.hypothesis(incident, "Redis is at max connections", ALICE)
    assert human_line(event) == "[14:07 UTC] @alice Hypothesis: Redis is at max connections (H1)"
