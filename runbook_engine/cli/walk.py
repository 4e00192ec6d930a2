"""`runbook walk RUNBOOK`: walk a runbook on screen while every step goes to the incident timeline."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_engine.cli.args import add_common_options
from runbook_engine.cli.args import parser as new_parser
from runbook_engine.errors import UsageError
from runbook_engine.format.validation_ahead import ValidationAhead
from runbook_engine.frozen import frozen
from runbook_engine.gc_pause import gc_paused

# What only this process needs (the store, the timeline, the screen) is imported inside the
# functions, after the runbook's validation has started in a child process (see walk()): on a
# cold start those imports then overlap the validation instead of delaying it.
if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from runbook_engine.comms.worker import OutboxWorker
    from runbook_engine.format.model import Runbook
    from runbook_engine.policy import Policy
    from runbook_engine.timeline.events import Actor
    from runbook_engine.timeline.service import IncidentService
    from runbook_engine.timeline.store import Store
    from runbook_engine.walk.demo import SimulatedIC
    from runbook_engine.walk.screen import WalkScreen
    from runbook_engine.walk.session import WalkSession


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = new_parser(prog, "Walk a runbook during an incident; every step is logged to its timeline.")
    parser.add_argument("runbook", type=Path, help="the runbook YAML file")
    parser.add_argument("--incident", metavar="ID", help="the incident to walk in (default: ask)")
    parser.add_argument(
        "--alert",
        metavar="NAME",
        help="the alert that paged: a new incident's severity defaults to its variant's (see symptom.alerts)",
    )
    add_common_options(parser)
    parser.add_argument(
        "--allow-commands",
        action="store_true",
        help="let the navigator run commands the runbook marks `runnable` (after confirmation)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show exactly what a runnable command would run, run nothing"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a demo incident whose IC is simulated and approves risky changes after a few seconds",
    )
    return parser


@frozen
class Terminal:
    """Where the screen reads keys and draws (None: the real terminal)."""

    input: Input | None = None
    output: Output | None = None


@dataclass
class Setup:
    """What a walk works with: the runbook, the policy, the opened store and who is walking."""

    runbook: Runbook
    policy: Policy
    store: Store
    service: IncidentService
    actor: Actor


def run(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty():
        raise UsageError("runbook walk needs a terminal", "run it in a terminal or tmux, not a pipe")
    return walk(args)


def walk(args: argparse.Namespace, terminal: Terminal | None = None) -> int:
    """The walk itself; tests pass a `Terminal` made of a pipe input and a dummy output."""
    # Start-up (the runbook, the policy, the modules) builds what lives as long as the walk:
    # collecting while it is built only walks those objects again and again (~40 M instructions
    # before the first screen); the collector is paused for it and resumes when the screen runs.
    with ValidationAhead(args.runbook) as ahead, gc_paused():
        setup = _setup(args, ahead)
    try:
        incident_id = _incident(args, setup, terminal or Terminal())
        return _walk(args, setup, incident_id, terminal)
    finally:
        setup.store.close()


def _setup(args: argparse.Namespace, ahead: ValidationAhead) -> Setup:
    from runbook_engine.cli.incident_context import actor_of, policy_of
    from runbook_engine.timeline.clock import SystemClock
    from runbook_engine.timeline.locate import open_store
    from runbook_engine.timeline.service import IncidentService

    if ahead.running:  # import the screen too while the runbook is validated in the other process
        importlib.import_module("runbook_engine.walk.screen")
    runbook = ahead.runbook()
    policy = policy_of(args)
    if args.demo and args.policy is None:
        from runbook_engine.walk.demo import demo_policy, demo_runbook

        policy, runbook = demo_policy(policy), demo_runbook(runbook)
    store = open_store(args.store, policy, create=True)
    service = IncidentService(store, policy, SystemClock())
    return Setup(runbook, policy, store, service, actor_of(args, policy, store.login()))


def _incident(args: argparse.Namespace, setup: Setup, terminal: Terminal) -> str:
    if args.incident:
        setup.service.state(args.incident)
        return str(args.incident)
    if args.demo:
        from runbook_engine.walk.demo import find_or_open

        return find_or_open(setup.service, setup.runbook, setup.actor)
    from runbook_engine.walk.lobby import choose_incident

    severity = _alert_severity(setup.runbook, args.alert) if args.alert else ""
    return choose_incident(
        setup.service, setup.runbook, setup.actor, input=terminal.input, output=terminal.output,
        severity=severity,
    )


def _alert_severity(runbook: Runbook, alert: str) -> str:
    severity = runbook.severity_for(alert)
    if severity is None:
        known = ", ".join(runbook.symptom.alerts) or "none"
        raise UsageError(f"{runbook.id} has no alert {alert!r}", f"its alerts: {known}")
    return severity


def _walk(args: argparse.Namespace, setup: Setup, incident_id: str, terminal: Terminal | None) -> int:
    with gc_paused():  # see walk()
        session = _session(args, setup, incident_id)
    simulated = _start_demo_ic(args, setup, incident_id)
    outbox = _start_outbox(setup, incident_id)
    if outbox is not None:
        session.posts_queued = outbox.kick
    try:
        with gc_paused():
            screen = _screen(args, session, incident_id, terminal or Terminal())
            if terminal is None:
                # All that lives as long as the walk is built by now: frozen out of the
                # collector, full collections never walk it again (a pause in an answer).
                gc.freeze()
        screen.run()
    finally:
        if outbox is not None:
            outbox.stop()
        if simulated is not None:
            simulated.stop()
            _report_demo_failure(simulated)
    node = session.walker.position(session.state)
    print(f"Left {incident_id} at {node}; everything is in the timeline.")
    print(f"Resume: {resume_command(args, incident_id, session.walker.name)}")
    return 0


def _session(args: argparse.Namespace, setup: Setup, incident_id: str) -> WalkSession:
    from runbook_engine.walk.session import WalkSession
    from runbook_engine.walk.walker import Walker

    walker = Walker(setup.runbook, setup.actor, setup.policy)
    session = WalkSession(
        setup.service,
        incident_id,
        walker,
        setup.service.clock,
        allow_commands=args.allow_commands,
        dry_run=args.dry_run,
    )
    session.begin()
    return session


def _screen(
    args: argparse.Namespace, session: WalkSession, incident_id: str, terminal: Terminal
) -> WalkScreen:
    from runbook_engine.timeline.board import checklist_text
    from runbook_engine.walk.controller import Controller
    from runbook_engine.walk.screen import WalkScreen, color_depth

    controller = Controller(session)
    controller.say(_welcome(args, incident_id))
    controller.say(checklist_text(session.state))
    header = "DEMO" if args.demo else ("DRY RUN" if args.dry_run else "")
    return WalkScreen(
        controller, input=terminal.input, output=terminal.output, color_depth=color_depth(os.environ),
        header=header,
    )


def resume_command(args: argparse.Namespace, incident_id: str, name: str) -> str:
    """The exact command that walks on from here, from any folder: this program by its full path,
    the store and any policy spelled out, all quoted for the shell."""
    words = [*program_words(), "walk", str(Path(args.runbook).resolve()), "--incident", incident_id,
             "--as", name, "--store", str(Path(args.store).resolve())]
    if args.policy is not None:
        words += ["--policy", str(Path(args.policy).resolve())]
    if args.demo:
        words.append("--demo")
    return shlex.join(words)


def program_words() -> list[str]:
    """How this process was started: `runbook` when that is what PATH finds, else its full path."""
    launched = Path(sys.argv[0])
    if launched.name == "__main__.py":
        return [sys.executable, "-m", "runbook_engine"]
    found = shutil.which(launched.name)
    if found and Path(found).resolve() == launched.resolve():
        return [launched.name]
    return [str(launched.resolve())]


def _welcome(args: argparse.Namespace, incident_id: str) -> str:
    if args.demo:
        from runbook_engine.walk.demo import APPROVAL_DELAY_S, DEMO_IC

        return (
            f"Demo incident {incident_id}: {DEMO_IC} approves risky changes "
            f"{APPROVAL_DELAY_S:.0f} s after you ask. Press a number; type help for commands."
        )
    return f"Walking in {incident_id}: every step goes to its timeline. Type help for commands."


def _start_outbox(setup: Setup, incident_id: str) -> OutboxWorker | None:
    """Posting runs beside the screen (only when the policy has channels); what it has not sent
    when the walk ends stays queued in the timeline."""
    if not setup.service.policy_for(incident_id).channels.groups:
        return None
    from runbook_engine.comms.worker import OutboxWorker

    return OutboxWorker(setup.service, incident_id, setup.actor).start()


def _start_demo_ic(args: argparse.Namespace, setup: Setup, incident_id: str) -> SimulatedIC | None:
    if not args.demo:
        return None
    from runbook_engine.walk.demo import SimulatedIC

    simulated = SimulatedIC(args.store, setup.policy, setup.service.clock, incident_id)
    simulated.start()
    return simulated


def _report_demo_failure(simulated: SimulatedIC) -> None:
    if simulated.failure is not None:
        failure = simulated.failure
        sys.stderr.write(f"runbook walk: the simulated IC stopped: {type(failure).__name__}: {failure}\n")
