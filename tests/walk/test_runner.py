"""Running a runnable step: allow-listed placeholders, no shell, timeout, truncation, dry run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from runbook_engine.errors import Refused
from runbook_engine.format.library import load_runbook
from runbook_engine.format.steps import Step
from runbook_engine.timeline.events import Actor, EventType
from runbook_engine.timeline.format import human_line
from runbook_engine.walk import runner
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.view import Move, Phase
from runbook_engine.walk.walker import Walker
from tests.walk.conftest import World
from tests.walk.driver import Driver, drive

RUNNABLE = Path(__file__).parent / "fixtures" / "runnable.yaml"
VALUES = {"incident.id": "INC-20260101-0001", "incident.severity": "SEV-2", "node.id": "x"}


def command(*argv: str, runnable: bool = True, timeout_s: int | None = None) -> Step:
    return Step("command", argv=argv, runnable=runnable, timeout_s=timeout_s)


def test_placeholders_come_only_from_the_allow_list() -> None:
    planned = runner.plan(command("echo", "{incident.id}", "--sev={incident.severity}"), VALUES)
    assert planned.argv == ("echo", "INC-20260101-0001", "--sev=SEV-2")
    with pytest.raises(Refused, match="not allowed"):
        runner.plan(command("echo", "{incident.title}"), VALUES)


@pytest.mark.parametrize("value", ["-rf", "a b", "x;rm", ""])
def test_unsafe_values_are_refused(value: str) -> None:
    with pytest.raises(Refused, match="not safe"):
        runner.plan(command("echo", "{node.id}"), {**VALUES, "node.id": value})


def test_a_step_runs_only_when_the_runbook_and_the_user_allow_it() -> None:
    assert runner.refusal(command("echo"), allow_commands=True) is None
    assert "--allow-commands" in (runner.refusal(command("echo"), allow_commands=False) or "")
    assert "runnable" in (runner.refusal(command("echo", runnable=False), allow_commands=True) or "")
    assert runner.refusal(None, allow_commands=True) is not None


def test_no_shell_exit_code_and_output_are_captured() -> None:
    result = runner.execute(runner.plan(command("sh", "-c", "echo out; exit 3"), VALUES), dry_run=False)
    assert (result.exit_code, result.output.strip()) == (3, "out")
    literal = runner.execute(runner.plan(command("echo", "$HOME;", "|", "x"), VALUES), dry_run=False)
    assert literal.output.strip() == "$HOME; | x"


def test_timeout_missing_program_and_dry_run() -> None:
    slow = runner.plan(command(sys.executable, "-c", "import time; time.sleep(5)", timeout_s=1), VALUES)
    assert runner.execute(slow, dry_run=False).exit_code == runner.EXIT_TIMED_OUT
    missing = runner.execute(runner.plan(command("no-such-program-xyz"), VALUES), dry_run=False)
    assert missing.exit_code == runner.EXIT_NOT_FOUND
    dry = runner.execute(runner.plan(command("rm", "-rf", "/nope"), VALUES), dry_run=True)
    assert dry.dry_run and dry.output == "dry run: would run rm -rf /nope"


def test_long_output_keeps_head_and_tail() -> None:
    text = "a" * 5000 + "END"
    cut = runner.truncate(text, 100)
    assert len(cut) < 200 and cut.startswith("a") and cut.endswith("END")


def runnable_session(world: World, name: str = "alice", **options: bool) -> WalkSession:
    walker = Walker(load_runbook(RUNNABLE), Actor(name, name, "host"), world.policy)
    session = WalkSession(world.service, world.incident_id, walker, world.clock, **options)
    session.begin()
    session.append(walker.answer(session.state, "fine"))
    return session


def test_run_move_appears_only_with_allow_commands(world: World) -> None:
    assert Move.RUN not in [c.move for c in runnable_session(world).view().choices]
    allowed = runnable_session(world, "carol", allow_commands=True).view()
    assert allowed.phase is Phase.READY and Move.RUN in [c.move for c in allowed.choices]


@pytest.mark.parametrize("dry_run", [False, True])
def test_running_from_the_screen_starts_the_change_and_logs_the_output(world: World, dry_run: bool) -> None:
    session = runnable_session(world, allow_commands=not dry_run, dry_run=dry_run)

    def script(d: Driver) -> None:
        d.type("2", "y\r")
        d.wait(lambda: session.state.commands_count == 1, "the command_run event")

    drive(session, script)
    events = world.service.events(world.incident_id)
    run = next(e for e in events if e.type is EventType.COMMAND_RUN)
    expected = ["echo", f"restarting test-service for {world.incident_id}"]
    assert run.payload["argv"] == expected
    assert run.payload["change_id"] == "C1" and run.payload["dry_run"] is dry_run
    assert run.payload["exit_code"] == 0
    if dry_run:
        assert run.payload["output"].startswith("dry run: would run echo")
    else:
        assert run.payload["output"].strip() == expected[1]
    assert session.state.changes["C1"].status == "in_flight"


def test_json_braces_are_plain_text_and_only_names_are_placeholders() -> None:
    patch = '{"spec":{"resources":{"requests":{"storage":"200Gi"}}}}'
    planned = runner.plan(command("kubectl", "patch", "-p", patch, "--for={node.id}"), VALUES)
    assert planned.argv == ("kubectl", "patch", "-p", patch, "--for=x")
    with pytest.raises(Refused, match=r"\{incident_id\} is not allowed"):
        runner.plan(command("echo", "{incident_id}"), VALUES)


STAGED = Path(__file__).parent / "fixtures" / "staged-runnable.yaml"


def staged_session(world: World, dry_run: bool = False) -> WalkSession:
    walker = Walker(load_runbook(STAGED), Actor("alice", "alice", "host"), world.policy)
    session = WalkSession(world.service, world.incident_id, walker, world.clock,
                          allow_commands=not dry_run, dry_run=dry_run)
    session.begin()
    session.append(walker.answer(session.state, "broken"))
    return session


def run_labels(session: WalkSession) -> list[str]:
    return [choice.label for choice in session.view().choices if choice.move is Move.RUN]


def test_each_stage_and_the_rollback_is_a_run_move_the_rollback_only_in_flight(world: World) -> None:
    session = staged_session(world)
    assert run_labels(session) == ["run stage 1: canary", "run stage 2: everywhere"]
    session.append(session.walker.start(session.state))
    assert run_labels(session) == ["run stage 1: canary", "run stage 2: everywhere", "run rollback"]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_stage_starts_the_change_and_the_rollback_runs_while_in_flight(world: World, dry_run: bool) -> None:
    session = staged_session(world, dry_run)

    def script(d: Driver) -> None:
        d.type("2", "y\r")  # 1 is start; 2 runs stage 1
        d.wait(lambda: session.state.commands_count == 1, "the stage's command_run")
        d.wait(lambda: "run rollback" in run_labels(session), "the rollback move")
        key = next(c.key for c in session.view().choices if c.label == "run rollback")
        d.type(key, "y\r")
        d.wait(lambda: session.state.commands_count == 2, "the rollback's command_run")

    drive(session, script)
    runs = [e for e in world.service.events(world.incident_id) if e.type is EventType.COMMAND_RUN]
    assert [(e.payload["part"], e.payload["argv"]) for e in runs] == [
        ("stage 1", ["echo", f"canary for {world.incident_id}"]),
        ("rollback", ["echo", "rolling back shift"]),
    ]
    assert all(e.payload["change_id"] == "C1" and e.payload["dry_run"] is dry_run for e in runs)
    lines = [human_line(e) for e in runs]
    verb = "Dry run" if dry_run else "Ran"
    assert f"{verb} rollback for change C1: echo 'rolling back shift'" in lines[1]
    assert session.state.changes["C1"].status == "in_flight"


def test_a_declared_shell_step_runs_through_bin_sh_with_its_pipeline() -> None:
    step = Step("shell", script="printf 'a\\nb\\nc\\n' | wc -l; echo {node.id}", runnable=True)
    planned = runner.plan(step, VALUES)
    assert planned.argv[:2] == ("/bin/sh", "-c") and planned.argv[2].endswith("echo x")
    result = runner.execute(planned, dry_run=False)
    assert result.exit_code == 0
    assert result.output.split() == ["3", "x"]


def test_shell_variables_stay_for_the_shell_and_only_a_shell_step_expands_them() -> None:
    shell = runner.plan(Step("shell", script='echo "${HOME:+set}"', runnable=True), VALUES)
    assert runner.execute(shell, dry_run=False).output.strip() == "set"
    argv = runner.plan(command("echo", "${HOME}"), VALUES)
    assert runner.execute(argv, dry_run=False).output.strip() == "${HOME}"


def test_what_is_shown_for_copying_is_quoted_so_a_paste_runs_exactly_the_step() -> None:
    assert Step("command", argv=("echo", "a b", ";rm -rf /")).describe() == "echo 'a b' ';rm -rf /'"
    shell = Step("shell", script="kubectl get pods | grep Evicted")
    assert shell.describe() == "/bin/sh -c 'kubectl get pods | grep Evicted'"
    code = Step("code", language="rails console", code="Order.where(state: 'stuck').count")
    assert code.describe() == "Order.where(state: 'stuck').count"
    assert runner.refusal(code, allow_commands=True) == "this step has no command to run"
