"""Acceptance: a SEV-1 replayed on a fake clock posts the initial update, two cadence updates and
the resolution to a Slack-shaped and a Teams-shaped receiver over real HTTP, through an outage
that recovers. Nothing is lost, nothing is posted twice, and every receipt checks out against the
chain; after a forger rewrites the history and recomputes every hash, the receipts do not."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.comms import DraftInputs
from runbook_engine.postmortem import Context, flags
from runbook_engine.timeline.chain import parse_anchor, seal
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, EventType, NewEvent, canonical_json
from runbook_engine.timeline.store import SqliteStore
from tests.comms.conftest import SLACK, TEAMS
from tests.comms.helpers import LEE, Desk, desk
from tests.comms.receiver import STALL, Receiver
from tests.comms.shapes import slack_problems, teams_problems

CHANNELS = ("exec-slack", "support-teams")
AMEER = Actor("ameer", "ameer", "ameer-laptop")
HEAD = re.compile(r"head ([0-9]+:[0-9a-f]{12})")


@pytest.fixture
def d(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    clock = FakeClock(datetime(2026, 11, 22, 14, 5, tzinfo=timezone.utc))
    desk_ = desk(tmp_path, receiver, monkeypatch, clock=clock)
    yield desk_
    desk_.service.store.close()


def _at(d: Desk, hhmm: str) -> None:
    hour, minute = (int(x) for x in hhmm.split(":"))
    d.clock.set(d.clock.now().replace(hour=hour, minute=minute, second=0))


def _replay(d: Desk, receiver: Receiver) -> str:
    svc = d.service
    incident = d.open("SEV-1")
    _at(d, "14:09")
    d.update(incident, CHANNELS, DraftInputs(impact="~38% of checkouts fail", affected="web shoppers"))
    assert all(r.delivered for r in d.flush(incident))
    svc.hypothesis(incident, "release 2026.11.3 raised payment timeouts", LEE)
    svc.propose_change(incident, "Roll back release 2026.11.3", "ameer", AMEER, hypothesis="H1")
    svc.classify(incident, "C1", "safe", "the previous release ran for a week", LEE)
    svc.start_change(incident, "C1", AMEER)
    _at(d, "14:19")  # first cadence update, into an outage of both services
    assert svc.state(incident).update_overdue_s(d.clock.now()) is None
    receiver.fail(SLACK, 503, 503, 503)
    receiver.fail(TEAMS, STALL, STALL, STALL)
    d.update(incident, CHANNELS, DraftInputs(trend="errors falling, 38% to 12%"))
    assert [r.delivered for r in d.flush(incident)] == [False, False]
    assert len(svc.state(incident).undelivered_posts) == 2
    _at(d, "14:22")  # the services are back; the next command delivers what is queued
    svc.record_result(incident, "C1", "helped", "errors below 1%", AMEER)
    assert [r.delivered for r in d.flush(incident)] == [True, True]
    _at(d, "14:29")  # second cadence update
    assert svc.state(incident).update_overdue_s(d.clock.now()) is None
    d.update(incident, CHANNELS, DraftInputs(trend="errors at baseline"))
    assert all(r.delivered for r in d.flush(incident))
    svc.mitigate(incident, "rollback done, checkout recovered", LEE)
    svc.start_monitoring(incident, LEE)
    _at(d, "14:45")
    svc.resolve(incident, "stable through the monitoring window", LEE)
    d.update(incident, CHANNELS, DraftInputs(root_cause="release 2026.11.3"))
    assert all(r.delivered for r in d.flush(incident))
    return incident


def _heads(receiver: Receiver, path: str) -> list[str]:
    """The receipt's `SEQ:HASH` at the end of each message the receiver got."""
    return [HEAD.findall(r.body.decode("utf-8"))[-1] for r in receiver.on(path)]


def _verify(tmp_path: Path, incident: str, head: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`runbook timeline verify ID --expect-head SEQ:HASH`, as a person would run it from chat."""
    where = ["--store", str(tmp_path / "incidents.db"), "--policy", str(tmp_path / "policy.yaml")]
    code = main(["timeline", "verify", incident, "--expect-head", head, *where])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_sev1_reaches_slack_and_teams_through_an_outage(d: Desk, receiver: Receiver) -> None:
    incident = _replay(d, receiver)
    for path, problems in ((SLACK, slack_problems), (TEAMS, teams_problems)):
        posts = receiver.on(path)
        assert [problems(p.json()) for p in posts] == [[]] * 4
        keys = [p.headers["idempotency-key"] for p in posts]
        assert len(set(keys)) == 4, "nothing posted twice"
        kinds = [re.search(r"INCIDENT( UPDATE| RESOLVED)?", p.body.decode()) for p in posts]
        assert [k.group(0) if k else None for k in kinds] == [
            "INCIDENT", "INCIDENT UPDATE", "INCIDENT UPDATE", "INCIDENT RESOLVED"
        ]
    state = d.service.state(incident)
    assert state.undelivered_posts == () and len(state.posts) == 8
    assert [s for p, s in receiver.seen if p == "/" + TEAMS].count("stalled") == 3
    context = Context(d.service.events(incident), state, d.policy, d.clock.now())
    late = [flag for flag in flags(context) if "after it was recorded" in flag]
    assert [flag.split(" reached ")[1] for flag in late] == [
        "exec-slack 3 min after it was recorded",
        "support-teams 3 min after it was recorded",
    ]


def test_every_receipt_verifies_against_the_chain(
    d: Desk, receiver: Receiver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = _replay(d, receiver)
    heads = _heads(receiver, SLACK) + _heads(receiver, TEAMS)
    assert len(heads) == 8 and heads[:4] == heads[4:], "both services got the same receipts"
    for head in heads:
        code, said = _verify(tmp_path, incident, head, capsys)
        assert code == 0 and f"holds seq {head.split(':')[0]}" in said
    seq = heads[0].split(":")[0]
    code, said = _verify(tmp_path, incident, f"{seq}:000000000000", capsys)
    assert code == 1 and f"seq {seq} is not the event seen outside the store" in said
    code, said = _verify(tmp_path, incident, "999:" + heads[0].split(":")[1], capsys)
    assert code == 1 and "seq 999 was seen outside the store" in said


def test_a_recomputed_forgery_fails_the_receipts_taken_after_it(
    d: Desk, receiver: Receiver, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    incident = _replay(d, receiver)
    heads = _heads(receiver, SLACK)
    store = d.service.store
    assert isinstance(store, SqliteStore)
    forged = next(e.seq for e in store.events(incident) if e.type is EventType.HYPOTHESIS_STATED)
    _rewrite_history(tmp_path / "incidents.db", incident, store, seq=forged)
    with SqliteStore(tmp_path / "incidents.db", d.policy) as reopened:
        assert reopened.verify(incident).ok, "the forger recomputed every hash: the chain alone looks fine"
        verdicts = [(parse_anchor(h)[0], reopened.verify(incident, parse_anchor(h))) for h in heads]
    assert [seq > forged for seq, _ in verdicts] == [False, True, True, True]
    for seq, report in verdicts:
        assert report.ok is (seq < forged)
        assert report.ok or report.first_bad_seq == seq  # the receipt's own seq no longer matches
    code, said = _verify(tmp_path, incident, heads[-1], capsys)
    assert code == 1 and "is not the event seen outside the store" in said


def _rewrite_history(path: Path, incident: str, store: SqliteStore, seq: int) -> None:
    """A forger with write access: change the text at `seq` and re-seal every event after it."""
    events = store.events(incident)
    db = sqlite3.connect(path, isolation_level=None)
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    prev = events[seq - 2].hash
    for event in events[seq - 1 :]:
        payload = {**event.payload, "text": "nothing to see"} if event.seq == seq else event.payload
        forged = seal(incident, event.seq, prev, NewEvent(event.type, event.actor, payload), event.at)
        db.execute(
            "UPDATE events SET payload = ?, prev_hash = ?, hash = ? WHERE incident_id = ? AND seq = ?",
            (canonical_json(dict(payload)), prev, forged.hash, incident, event.seq),
        )
        prev = forged.hash
    db.execute("UPDATE incidents SET head_hash = ? WHERE incident_id = ?", (prev, incident))
    db.close()
