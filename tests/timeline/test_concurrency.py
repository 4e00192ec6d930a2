"""Many processes on one store (SQLite and PostgreSQL alike): nothing lost or doubled, SIGKILL loses
nothing acknowledged, and of two terminals racing to start a change exactly one wins."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbook_engine.policy import Policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.locate import open_store
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import Store
from tests.conftest import REPO
from tests.timeline.conftest import ALICE, BOB, CAROL, DAVE

WRITERS = {"sqlite": 4, "postgresql": 8}
APPENDS = 1000
RACES = 3
KILLS = 5


def _release(go: Path, children: int) -> None:
    """Touch GO once every child is ready, so they all start appending at the same moment."""
    deadline = time.monotonic() + 60
    while len(list(go.parent.glob(f"{go.name}.ready.*"))) < children:
        assert time.monotonic() < deadline, "the writer processes never became ready"
        time.sleep(0.01)
    go.touch()


_CHILDREN: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_child_outlives_its_test() -> Iterator[None]:
    yield
    while _CHILDREN:
        proc = _CHILDREN.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _child(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.timeline.writer", *args]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _CHILDREN.append(proc)
    return proc


@pytest.fixture
def shared(any_store: Store, policy: Policy, clock: FakeClock) -> IncidentService:
    return IncidentService(any_store, policy, clock)


@pytest.mark.slow
def test_many_writers_lose_nothing_and_keep_the_chain(
    shared: IncidentService, location: str, policy: Policy, tmp_path: Path
) -> None:
    """4 processes on SQLite, 8 on PostgreSQL, 1,000 appends each: contiguous and verified."""
    count = WRITERS["postgresql" if location.startswith("postgresql://") else "sqlite"]
    incident = shared.open("load", "SEV-3", "bob", ALICE).incident_id
    go = tmp_path / "go"
    writers = [_child("notes", location, incident, f"w{n}", str(APPENDS), str(go)) for n in range(count)]
    _release(go, count)
    acked: list[int] = []
    for proc in writers:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        acked.extend(int(line) for line in out.split())
    with open_store(location, policy) as store:
        events = store.events(incident)
        assert store.verify(incident).ok
    assert [e.seq for e in events] == list(range(1, count * APPENDS + 2))
    assert sorted(acked) == list(range(2, count * APPENDS + 2))
    texts = [str(e.payload["text"]) for e in events[1:]]
    assert set(texts) == {f"w{n} {i}" for n in range(count) for i in range(APPENDS)}
    switches = sum(1 for a, b in itertools.pairwise(texts) if a.split()[0] != b.split()[0])
    assert switches > count, "the writers never interleaved; the test proved nothing"


@pytest.mark.slow
def test_sigkill_mid_append_loses_no_acknowledged_event(
    shared: IncidentService, location: str, policy: Policy, tmp_path: Path
) -> None:
    svc = shared
    incident = svc.open("crash", "SEV-3", "bob", ALICE).incident_id
    go = tmp_path / "go"
    go.touch()
    acked: list[int] = []
    for round_ in range(KILLS):
        proc = _child("notes", location, incident, f"k{round_}", "-1", str(go))
        assert proc.stdout is not None
        first = proc.stdout.readline()
        time.sleep(0.013 * (round_ + 1) ** 2)  # a different moment of the loop each time
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        acked.extend(int(line) for line in (first + rest).split())
    assert len(acked) > 3
    with open_store(location, policy) as store:
        stored = {e.seq for e in store.events(incident)}
        report = store.verify(incident)
    assert set(acked) <= stored
    assert stored == set(range(1, max(stored) + 1))
    assert report.ok, report.reason
    assert svc.note(incident, "after the crashes", ALICE).seq == max(stored) + 1


@pytest.mark.slow
def test_two_terminals_racing_to_start_a_change_exactly_one_wins(
    shared: IncidentService, location: str, tmp_path: Path
) -> None:
    svc = shared
    incidents = [_two_proposed_changes(svc) for _ in range(RACES)]
    go = tmp_path / "go"
    racers = [
        _child("start", location, name, change, str(go), *incidents)
        for name, change in (("carol", "C1"), ("dave", "C2"))
    ]
    for number in range(RACES):
        (tmp_path / f"go.{number}").touch()
    outputs = [proc.communicate(timeout=60)[0].splitlines() for proc in racers]
    for number, incident in enumerate(incidents):
        results = sorted(output[number].split()[0] for output in outputs)
        assert results == ["ok", "refused"], outputs
        assert all(
            output[number] == "refused one_change_in_flight"
            for output in outputs
            if output[number].startswith("refused")
        )
        state = svc.state(incident)
        assert [c.status for c in state.changes.values()].count("in_flight") == 1


def _two_proposed_changes(svc: IncidentService) -> str:
    incident = svc.open("race", "SEV-3", "bob", ALICE).incident_id
    svc.propose_change(incident, "restart consumer A", "carol", CAROL)
    svc.propose_change(incident, "restart consumer B", "dave", DAVE)
    for change in ("C1", "C2"):  # ad-hoc changes are risky until the IC says otherwise
        svc.classify(incident, change, "safe", "a consumer restart drops no data", BOB)
    return incident


@pytest.mark.slow
def test_incidents_opened_at_once_get_distinct_ids(
    any_store: Store, location: str, policy: Policy, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    openers = [_child("open", location, name, "25", str(go)) for name in ("alice", "bob")]
    _release(go, len(openers))
    ids = [line for proc in openers for line in proc.communicate(timeout=60)[0].split()]
    assert len(ids) == len(set(ids)) == 50
    with open_store(location, policy) as store:
        assert sorted(s.incident_id for s in store.incidents()) == sorted(ids)
        assert all(store.verify(incident).ok for incident in ids)
