"""Delivery over real HTTP to a local receiver: retries, Retry-After, timeouts, refused
connections; nothing lost (a failed post stays queued in the timeline), nothing posted twice."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from runbook_engine.comms import DraftInputs
from runbook_engine.comms.http import post_json
from runbook_engine.comms.outbox import flush
from runbook_engine.comms.response import Response
from runbook_engine.policy import load_policy
from runbook_engine.timeline.events import EventType
from tests.comms.conftest import HOOK, MM, SECRET_TOKEN, SLACK, TEAMS
from tests.comms.helpers import ALL_CHANNELS, LEE, Desk, desk
from tests.comms.receiver import STALL, Receiver, Throttle
from tests.comms.shapes import slack_problems, teams_problems


@pytest.fixture
def d(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    desk_ = desk(tmp_path, receiver, monkeypatch)
    yield desk_
    desk_.service.store.close()


def _events(d: Desk, incident: str, kind: EventType) -> list[dict[str, object]]:
    return [dict(e.payload) for e in d.service.events(incident) if e.type is kind]


def test_each_channel_gets_one_request_in_its_format(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    update = d.update(incident, inputs=DraftInputs(impact="38% of checkouts fail", affected="web shoppers"))
    results = d.flush(incident)
    assert [r.delivered for r in results] == [True] * 4
    for path in (SLACK, TEAMS, HOOK, MM):
        assert len(receiver.on(path)) == 1, path
    assert slack_problems(receiver.on(SLACK)[0].json()) == []
    assert teams_problems(receiver.on(TEAMS)[0].json()) == []
    hook = receiver.on(HOOK)[0]
    assert hook.headers["idempotency-key"] == f"{incident}/{update.seq}:status-bridge"
    assert hook.json()["delivery_id"] == f"{update.seq}:status-bridge"
    delivered = _events(d, incident, EventType.POST_DELIVERED)
    assert sorted(str(p["channel"]) for p in delivered) == sorted(ALL_CHANNELS)
    assert d.flush(incident) == [] and d.flush(incident, force=True) == []
    assert len(receiver.delivered) == 4


def test_5xx_is_retried_with_backoff_in_the_same_try(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    receiver.fail(SLACK, 500, 503)
    d.update(incident, ("exec-slack",))
    [result] = d.flush(incident)
    assert result.delivered
    assert d.waits == [1.0, 2.0]
    assert [s for p, s in receiver.seen if p == "/" + SLACK] == ["500", "503", "200"]
    assert _events(d, incident, EventType.POST_DELIVERED)[0]["attempts"] == 3


def test_429_retry_after_is_waited_out(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    receiver.fail(TEAMS, Throttle("3"))
    d.update(incident, ("support-teams",))
    assert [r.delivered for r in d.flush(incident)] == [True]
    assert d.waits == [3.0]
    assert len(receiver.on(TEAMS)) == 1


def test_a_long_retry_after_is_kept_for_the_next_try_not_slept(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    receiver.fail(SLACK, Throttle("120"))
    d.update(incident, ("exec-slack",))
    [first] = d.flush(incident)
    assert not first.delivered and d.waits == []
    [failed] = _events(d, incident, EventType.POST_FAILED)
    assert failed["reason"] == "HTTP 429" and failed["attempts"] == 1
    assert d.flush(incident) == []  # not due before Retry-After has passed
    d.clock.advance(121)
    assert [r.delivered for r in d.flush(incident)] == [True]
    assert len(receiver.on(SLACK)) == 1


def test_a_stalled_receiver_times_out_and_the_post_stays_queued(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    receiver.fail(SLACK, STALL, STALL, STALL)
    d.update(incident, ("exec-slack",))
    [result] = d.flush(incident)
    assert not result.delivered and result.reason == "no answer within 0.3 s"
    assert [p.status for p in d.service.state(incident).undelivered_posts] == ["failed"]
    assert [r.delivered for r in d.flush(incident, force=True)] == [True]
    assert len(receiver.on(SLACK)) == 1
    assert d.service.state(incident).undelivered_posts == ()


def test_connection_refused_stays_queued_until_the_channel_is_back(
    d: Desk, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = d.open()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("TEST_HOOK_MM", f"http://127.0.0.1:{port}/mm/{SECRET_TOKEN}")
    d.update(incident, ("ic-room",))
    [result] = d.flush(incident)
    assert (result.delivered, result.reason) == (False, "connection refused")
    assert d.waits == [1.0, 2.0]
    monkeypatch.setenv("TEST_HOOK_MM", receiver.url(MM))
    assert [r.delivered for r in d.flush(incident, force=True)] == [True]
    assert len(receiver.on(MM)) == 1


def test_a_client_error_is_not_retried_in_place_but_stays_queued(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    receiver.fail(HOOK, 400)
    d.update(incident, ("status-bridge",))
    [result] = d.flush(incident)
    assert (result.delivered, result.reason, d.waits) == (False, "HTTP 400", [])
    assert len(d.service.state(incident).undelivered_posts) == 1


def test_a_missing_secret_is_a_queued_failure_naming_the_variable(
    d: Desk, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = d.open()
    monkeypatch.delenv("TEST_HOOK_SLACK")
    d.update(incident, ("exec-slack",))
    [result] = d.flush(incident)
    assert result.reason == "no webhook URL for exec-slack: environment variable TEST_HOOK_SLACK is not set"
    assert receiver.seen == []


def test_webhook_urls_never_reach_the_timeline(d: Desk, receiver: Receiver, tmp_path: Path) -> None:
    incident = d.open()
    receiver.fail(SLACK, 500, 500, 500)
    receiver.fail(TEAMS, STALL, STALL, STALL)
    d.update(incident)
    d.flush(incident)
    d.flush(incident, force=True)
    d.service.store.close()
    for path in tmp_path.glob("incidents.db*"):
        assert SECRET_TOKEN.encode() not in path.read_bytes(), path


def test_two_senders_racing_post_each_message_once(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = desk(tmp_path, receiver, monkeypatch)
    second = desk(tmp_path, receiver, monkeypatch, clock=first.clock)
    incident = first.open()
    for _ in range(3):
        first.update(incident)
    go = threading.Barrier(2)

    def run(which: Desk) -> None:
        go.wait()
        which.flush(incident)

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    ids = [r.headers["idempotency-key"] for r in receiver.delivered]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert first.service.state(incident).undelivered_posts == ()
    first.service.store.close()
    second.service.store.close()


def test_channels_are_tried_side_by_side_so_stalls_do_not_add_up(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    for path in (SLACK, TEAMS, HOOK):
        receiver.fail(path, STALL, STALL, STALL)
    d.update(incident, ("exec-slack", "support-teams", "status-bridge"))
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def counting_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> Response:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            return post_json(url, body, headers, timeout)
        finally:
            with lock:
                in_flight[0] -= 1

    results = flush(d.service, incident, LEE, replace(d.sender(), post=counting_post))
    assert [r.delivered for r in results] == [False] * 3
    assert most[0] == 3
    assert len(d.service.state(incident).undelivered_posts) == 3


def test_a_secrets_file_every_account_can_read_is_refused(
    d: Desk, receiver: Receiver, tmp_path: Path
) -> None:
    incident = d.open()
    (tmp_path / "hooks.yaml").chmod(0o644)
    d.update(incident, ("support-teams",))
    [result] = d.flush(incident)
    assert not result.delivered and "readable or writable by every account: chmod o-rwx" in result.reason
    assert receiver.seen == []


def test_posts_for_a_channel_the_policy_dropped_are_left_to_the_outbox(d: Desk, receiver: Receiver) -> None:
    incident = d.open()
    d.update(incident, ("exec-slack",))
    d.service.change_policy(incident, load_policy(), "no chat from this policy", LEE)
    assert d.service.policy_for(incident).channels.groups == {}
    sender = d.sender()
    assert flush(d.service, incident, LEE, sender, sendable_only=True) == []
    [result] = flush(d.service, incident, LEE, sender)
    assert result.reason == "channel exec-slack is no longer in the policy"
    assert receiver.seen == []
