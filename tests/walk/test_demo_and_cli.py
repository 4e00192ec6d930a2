"""`runbook walk` in-process: the demo's simulated IC, the lobby, resume and usage errors."""

from __future__ import annotations

import argparse
import shlex
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from runbook_engine.cli import incident_context
from runbook_engine.cli import walk as walk_cli
from runbook_engine.cli.main import main
from runbook_engine.format.library import load_runbook
from runbook_engine.policy import load_policy
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from runbook_engine.walk import demo
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.walker import Walker
from tests.conftest import FIXTURES
from tests.walk.conftest import REDIS, REPO, World


@pytest.fixture(autouse=True)
def _as_alice(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process walks run as one OS account: it stands in for alice's (a people-less policy)."""
    monkeypatch.setattr(incident_context, "os_account", lambda: "alice")


def args_for(store: Path, *extra: str) -> argparse.Namespace:
    parser = walk_cli.build_parser("runbook walk")
    return parser.parse_args([str(REDIS), "--store", str(store), "--as", "alice", *extra])


def run_walk(args: argparse.Namespace, *chunks: str) -> int:
    """Run the walk while a thread types each chunk after a pause (prompts read ahead)."""
    with create_pipe_input() as pipe:

        def type_chunks() -> None:
            for chunk in chunks:
                time.sleep(0.3)
                pipe.send_text(chunk)

        typist = threading.Thread(target=type_chunks, daemon=True)
        typist.start()
        try:
            return walk_cli.walk(args, walk_cli.Terminal(pipe, DummyOutput()))
        finally:
            typist.join(10)


def service_at(store: Path) -> IncidentService:
    policy = load_policy()
    return IncidentService(SqliteStore(store, policy), policy, SystemClock())


def test_walk_refuses_a_pipe_for_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["walk", str(REDIS), "--store", str(tmp_path / "s.db")]) == 2
    assert "needs a terminal" in capsys.readouterr().err


def test_lobby_opens_an_incident_then_the_walk_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.db"
    keys = ("\x15Redis refusing\r", "\x15SEV-2\r", "\x15carol\r", "1", "\x03")
    assert run_walk(args_for(store), *keys) == 0
    service = service_at(store)
    (summary,) = service.incidents()
    state = service.state(summary.incident_id)
    assert (state.title, state.severity, state.ic) == ("Redis refusing", "SEV-2", "carol")
    walk = state.walk("alice", "redis-max-connections")
    assert walk is not None and walk.position == "connections-at-limit"
    assert f"--incident {summary.incident_id}" in capsys.readouterr().out


def test_lobby_joins_an_open_incident_by_number(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    service = service_at(store)
    opened = service.open("Already open", "SEV-3", "dan", demo.demo_actor())
    assert run_walk(args_for(store), "1\r", "\x03") == 0
    assert service.state(opened.incident_id).walk("alice", "redis-max-connections") is not None


def test_unknown_incident_is_an_input_error(tmp_path: Path) -> None:
    service_at(tmp_path / "s.db")
    with pytest.raises(Exception, match="no incident INC-1"):
        run_walk(args_for(tmp_path / "s.db", "--incident", "INC-1"), "\x03")


def test_demo_opens_an_incident_led_by_the_simulated_ic_and_resumes_it(tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    assert run_walk(args_for(store, "--demo"), "1", "\r", "\x03") == 0
    assert run_walk(args_for(store, "--demo"), "\x03") == 0
    service = service_at(store)
    (summary,) = service.incidents()
    state = service.state(summary.incident_id)
    assert state.ic == demo.DEMO_IC and "DEMO" in state.title
    walk = state.walk("alice", "redis-max-connections")
    assert walk is not None and walk.position == "who-holds-connections"


def test_simulated_ic_approves_from_its_own_thread_after_a_delay(world: World) -> None:
    session = world.session()
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    world.service.handover(world.incident_id, "ic", demo.DEMO_IC, "demo", world.ic)
    session.append(session.walker.propose(session.state))
    simulated = demo.SimulatedIC(world.location, world.policy, world.clock, world.incident_id, 0.2, 0.05)
    simulated.start()
    try:
        deadline = time.monotonic() + 10
        while session.state.changes["C1"].approved_by is None and time.monotonic() < deadline:
            time.sleep(0.05)
            session.refresh()
    finally:
        simulated.stop()
    change = session.state.changes["C1"]
    assert change.approved_by == demo.DEMO_IC
    assert change.approved_by_actor is not None and change.approved_by_actor.name == demo.DEMO_IC


def test_demo_drops_the_resolve_nodes_own_windows() -> None:
    runbook = load_runbook(REPO / "runbooks" / "checkout-errors-after-deploy.yaml")
    assert any(node.monitoring_s for node in runbook.nodes.values())
    assert not any(node.monitoring_s for node in demo.demo_runbook(runbook).nodes.values())


def test_demo_policy_shortens_the_windows() -> None:
    short = demo.demo_policy(load_policy())
    assert short.rule("SEV-2").monitoring_window_s == demo.DEMO_MONITORING_S
    assert short.rule("SEV-1").observation_window_s == demo.DEMO_OBSERVATION_S


def _sev3_demo(tmp_path: Path, policy_of_demo: bool) -> tuple[IncidentService, str, WalkSession, Path]:
    """The demo fixture's runbook (SEV-3) walked to a pending risky change, IC simulated."""
    policy = demo.demo_policy(load_policy()) if policy_of_demo else load_policy()
    store_path = tmp_path / "demo.db"
    service = IncidentService(SqliteStore(store_path, policy), policy, SystemClock())
    runbook = load_runbook(FIXTURES / "good" / "demo.yaml")
    alice = Actor("alice", "alice-account", "host-a")
    incident_id = demo.find_or_open(service, runbook, alice)
    session = WalkSession(service, incident_id, Walker(runbook, alice, policy), SystemClock())
    session.begin()
    for label in ("high", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    session.append(session.walker.propose(session.state))
    return service, incident_id, session, store_path


def _run_ic_until(simulated: demo.SimulatedIC, session: WalkSession, done: Callable[[], bool]) -> None:
    simulated.start()
    try:
        deadline = time.monotonic() + 10
        while not done() and time.monotonic() < deadline:
            time.sleep(0.05)
            session.refresh()
    finally:
        simulated.stop()


def test_simulated_ic_approves_at_sev3_where_the_policy_names_the_owner(tmp_path: Path) -> None:
    service, incident_id, session, store_path = _sev3_demo(tmp_path, policy_of_demo=True)
    assert session.state.severity == "SEV-3"
    simulated = demo.SimulatedIC(store_path, service.policy, SystemClock(), incident_id, 0.1, 0.05)
    _run_ic_until(simulated, session, lambda: session.state.changes["C1"].approved_by is not None)
    assert simulated.failure is None
    assert session.state.changes["C1"].approved_by == demo.DEMO_IC


def test_simulated_ic_refused_says_so_in_the_timeline_and_keeps_running(tmp_path: Path) -> None:
    service, incident_id, session, store_path = _sev3_demo(tmp_path, policy_of_demo=False)
    simulated = demo.SimulatedIC(store_path, service.policy, SystemClock(), incident_id, 0.1, 0.05)

    def noted() -> bool:
        return any("cannot approve C1" in str(e.payload.get("text")) for e in service.events(incident_id))

    _run_ic_until(simulated, session, noted)
    assert noted() and simulated.failure is None
    assert session.state.changes["C1"].approved_by is None


def test_demo_incidents_have_their_own_prefix_and_resume_names_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "demo store.db"
    real = service_at(store).open("A real one", "SEV-2", "dan", demo.demo_actor()).incident_id
    assert run_walk(args_for(store, "--demo"), "\x03") == 0
    (demo_id,) = [s.incident_id for s in service_at(store).incidents() if s.incident_id != real]
    assert real.startswith("INC-") and demo_id.startswith("DEMO-")
    resume = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Resume: ")]
    words = shlex.split(resume[0].removeprefix("Resume: "))
    assert words[words.index("--store") + 1] == str(store.resolve())
    assert words[words.index("--incident") + 1] == demo_id and "--demo" in words
    assert Path(words[0]).is_absolute() and Path(words[words.index("walk") + 1]).is_absolute()
