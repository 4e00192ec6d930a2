"""`runbook incident` subcommands about command and authority: taking command, a change's owner
and risk, the pinned policy, and "what changed in the last hour?"."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import timedelta

from runbook_engine.cli.incident_args import BUCKET_DAYS
from runbook_engine.cli.incident_context import parse_when, policy_of
from runbook_engine.errors import EXIT_OK, UsageError
from runbook_engine.render.escape import clean
from runbook_engine.timeline.events import Actor, Event
from runbook_engine.timeline.followups import suggestion
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.reducers import RECENT_CHANGES
from runbook_engine.timeline.service import IncidentService

Handler = Callable[[IncidentService, argparse.Namespace, Actor], int]


def _echo(event: Event) -> int:
    print(human_line(event))
    return EXIT_OK


def _take_command(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    _echo(svc.take_command(args.incident, args.reason, actor))
    print(f"  a second responder confirms: runbook incident confirm-command {args.incident} {actor.name}")
    return EXIT_OK


def _confirm_command(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.confirm_command(args.incident, args.claimant, actor))


def _change_owner(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.hand_change(args.incident, args.change, args.to, args.reason, actor))


def _classify(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.classify(args.incident, args.change, args.risk, args.reason, actor))


def _policy(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    if args.policy is None:
        raise UsageError("give the new policy with --policy FILE", "and say why with --reason")
    return _echo(svc.change_policy(args.incident, policy_of(args), args.reason, actor))


def _changed(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    """Answer "what changed in the last hour?": the policy's command (logged), or `--answer`."""
    if args.answer:
        text = "What changed in the last hour: " + " ".join(args.answer)
        return _echo(svc.note(args.incident, text, actor, topic=RECENT_CHANGES))
    argv = svc.policy.recent_changes_command
    if not argv:
        hint = "answer it yourself: --answer 'release 2.4.1 at 13:41'"
        raise UsageError("the policy names no recent_changes_command", hint)
    from runbook_engine.walk.runner import DEFAULT_TIMEOUT_S, CommandPlan, execute  # runs a command: rare

    result = execute(CommandPlan(tuple(argv), DEFAULT_TIMEOUT_S, part=RECENT_CHANGES), dry_run=False)
    sys.stdout.write(clean(result.output) + ("" if result.output.endswith("\n") else "\n"))
    return _echo(
        svc.command_run(args.incident, argv, result.exit_code, result.output, actor, part=RECENT_CHANGES)
    )


def _task(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    now = svc.clock.now()
    if args.eta.isdigit():
        eta = now + timedelta(minutes=int(args.eta))
    else:
        eta = parse_when(args.eta, now, future=True)
    event = svc.assign_task(args.incident, " ".join(args.text), args.owner, eta, actor, args.task_id)
    _echo(event)
    print(
        f"  not delegated until {event.payload['owner']} acknowledges: runbook incident ack "
        f"{args.incident} {event.payload['task_id']}"
    )
    return EXIT_OK


def _ack(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.ack_task(args.incident, args.task, actor))


def _done(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    outcome = "dropped" if args.dropped else "done"
    return _echo(svc.finish_task(args.incident, args.task, actor, outcome, " ".join(args.note or ())))


def _followup(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    """Accept (it becomes an action item) or dismiss a suggested follow-up, with one command."""
    found = suggestion(svc.state(args.incident), args.key)
    decision = "accepted" if args.decision == "accept" else "dismissed"
    _echo(svc.decide_followup(args.incident, args.key, decision, actor, args.reason))
    if found is None or decision == "dismissed":
        return EXIT_OK
    due = svc.clock.now().date() + timedelta(days=BUCKET_DAYS[found.bucket])
    return _echo(
        svc.action_item(args.incident, found.text, args.owner or actor.name, due, found.bucket, actor)
    )


AUTHORITY_HANDLERS: dict[str, Handler] = {
    "take-command": _take_command,
    "confirm-command": _confirm_command,
    "change-owner": _change_owner,
    "classify": _classify,
    "policy": _policy,
    "changed": _changed,
    "task": _task,
    "ack": _ack,
    "done": _done,
    "followup": _followup,
}
