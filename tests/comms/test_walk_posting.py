"""The walk screen posts through the background outbox: a stalled channel never holds it up."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.comms.worker import OutboxWorker
from runbook_engine.format.library import load_runbook
from runbook_engine.timeline.events import EventType
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.walker import Walker
from tests.comms.conftest import HOOK, TEAMS
from tests.comms.helpers import LEE, desk
from tests.comms.receiver import STALL, Receiver
from tests.walk.conftest import REDIS
from tests.walk.driver import Driver, drive


def test_a_stalled_channel_does_not_hold_up_the_walk(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = desk(tmp_path, receiver, monkeypatch, timeout_s=1.5)
    d.attempts = 1
    incident = d.open("SEV-2")  # stakeholders: support (Teams) and status-page (webhook)
    receiver.fail(TEAMS, STALL)
    session = WalkSession(d.service, incident, Walker(load_runbook(REDIS), LEE, d.policy), d.clock)
    session.begin()
    worker = OutboxWorker(d.service, incident, LEE, d.sender(), interval_s=60).start()
    session.posts_queued = worker.kick
    held: list[str] = []

    def script(driver: Driver) -> None:
        driver.type("update\r", "\r", "\r", "\r", "\r", "\r")
        driver.wait(lambda: session.state.last_status_update is not None, "the status update")
        driver.type("note still typing while Teams hangs\r")
        driver.wait(lambda: session.state.notes_count == 1, "the note")
        posts = d.service.state(incident).posts.values()
        held.extend(p.status for p in posts if p.channel == "support-teams")
        driver.wait(lambda: len(receiver.on(HOOK)) == 1, "the webhook post, after Teams timed out")

    try:
        drive(session, script)
    finally:
        worker.stop()
    assert held == ["sending"], "the note went in while the Teams post was still in the air"
    update = next(e for e in d.service.events(incident) if e.type is EventType.STATUS_UPDATE)
    assert update.payload["post_to"] == ["support-teams", "status-bridge"]
    d.service.store.close()
