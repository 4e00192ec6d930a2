"""Reminders: the notice when an update is due within a minute or late, and the overdue note to
the IC's channel, at most once per update cadence and only while an update is overdue."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_engine.comms.reminders import remind, update_notice
from runbook_engine.comms.worker import OutboxWorker
from runbook_engine.timeline.events import EventType
from tests.comms.conftest import MM, SLACK, write_policy
from tests.comms.helpers import LEE, Desk, desk
from tests.comms.receiver import Receiver


@pytest.fixture
def d(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    desk_ = desk(tmp_path, receiver, monkeypatch)
    yield desk_
    desk_.service.store.close()


def test_notice_within_a_minute_and_when_late(d: Desk) -> None:
    incident = d.open("SEV-1")  # the first update within 5 min (seed 003), then every 10 min
    state = d.service.state(incident)
    assert update_notice(state, d.clock.advance(3 * 60)) is None
    assert update_notice(state, d.clock.advance(90)) == "STATUS UPDATE DUE in 30 s (at 14:05 UTC)"
    assert update_notice(state, d.clock.advance(45)) == "STATUS UPDATE OVERDUE by 15 s (due 14:05 UTC)"
    assert update_notice(state, d.clock.advance(300)) == "STATUS UPDATE OVERDUE by 5 min (due 14:05 UTC)"


def test_the_overdue_note_goes_to_the_ic_channel_once_per_cadence(d: Desk, receiver: Receiver) -> None:
    incident = d.open("SEV-1")
    assert remind(d.service, incident, LEE) is None  # nothing is late yet
    d.clock.advance(11 * 60)
    assert remind(d.service, incident, LEE) == "reminder queued for ic-room"
    assert [r.delivered for r in d.flush(incident)] == [True]
    [note] = receiver.on(MM)
    assert "UPDATE OVERDUE SEV-1" in note.json()["text"] and "6 min late" in note.json()["text"]
    d.clock.advance(5 * 60)
    assert remind(d.service, incident, LEE) == (
        "no reminder sent: a reminder went out at 14:11 UTC [rule: reminder_too_soon]"
    )
    d.clock.advance(5 * 60)
    assert remind(d.service, incident, LEE) == "reminder queued for ic-room"
    kinds = [e.type for e in d.service.events(incident)]
    assert kinds.count(EventType.UPDATE_REMINDER) == 2


def test_the_outbox_worker_delivers_in_the_background(d: Desk, receiver: Receiver) -> None:
    incident = d.open("SEV-1")
    worker = OutboxWorker(d.service, incident, LEE, d.sender(), interval_s=30).start()
    try:
        d.update(incident, ("exec-slack",))
        worker.kick()
        deadline = time.monotonic() + 10
        while d.service.state(incident).undelivered_posts and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert len(receiver.on(SLACK)) == 1 and worker.last_error == ""


@pytest.mark.slow
def test_tail_follow_says_when_an_update_is_overdue(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = write_policy(tmp_path, receiver, monkeypatch)
    text = policy.read_text().replace("update_cadence: 10m", "update_cadence: 1s", 1)
    text = text.replace("first_update_within: 5m", "first_update_within: 1s", 1)
    policy.write_text(text)
    store = str(tmp_path / "incidents.db")
    runbook = [sys.executable, "-m", "runbook_engine"]
    common = ["--store", store, "--policy", str(policy)]
    opened = subprocess.run(
        [*runbook, "incident", "open", "Checkout", "--sev", "SEV-1", *common],
        capture_output=True, text=True, check=True,
    )
    incident = opened.stdout.splitlines()[0]
    tail = subprocess.run(
        [*runbook, "timeline", "tail", incident, "--follow", "--timeout", "2", "--interval", "0.2",
         "--remind", *common],
        capture_output=True, text=True, check=True,
    )
    assert "!! STATUS UPDATE OVERDUE by" in tail.stdout
    assert "Reminder: status update overdue since" in tail.stdout
    assert len(receiver.on(MM)) == 1
