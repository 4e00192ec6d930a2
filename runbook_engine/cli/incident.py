"""`runbook incident ...`: open and run an incident from the command line, one subcommand per act."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from runbook_engine.cli.args import add_common_options
from runbook_engine.cli.board_follow import follow_board
from runbook_engine.cli.incident_args import BUCKET_DAYS, SUBCOMMANDS
from runbook_engine.cli.incident_authority import AUTHORITY_HANDLERS
from runbook_engine.cli.incident_context import (
    actor_of,
    open_service,
    parse_when,
    pinned_policy,
    policy_of,
)
from runbook_engine.cli.incident_posts import (
    outbox_lines,
    post_targets,
    report,
    retry_due,
    send_reminder,
    sender_for,
)
from runbook_engine.cli.incident_status import print_board, print_incidents
from runbook_engine.cli.integrity import broken_line, checked_events, markdown_banner
from runbook_engine.comms import (
    ActionLine,
    DraftInputs,
    StatusDraft,
    build_draft,
    default_kind,
    render_markdown,
    render_text,
    with_last_impact,
)
from runbook_engine.comms.outbox import flush
from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK, UsageError
from runbook_engine.identity import IdentityRefused
from runbook_engine.policy import Policy
from runbook_engine.terminal_text import visible
from runbook_engine.timeline import locate
from runbook_engine.timeline.board import board
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent, os_account
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.refusal import refuse_if
from runbook_engine.timeline.rules import check_open
from runbook_engine.timeline.service import IncidentService

Handler = Callable[[IncidentService, argparse.Namespace, Actor], int]


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Open and run incidents.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, (text, add_arguments) in SUBCOMMANDS.items():
        child = sub.add_parser(name, help=text, description=text)
        add_common_options(child)
        if name not in ("open", "list"):
            child.add_argument("incident", metavar="ID")
        add_arguments(child)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.action == "list" and not locate.exists(args.store):
        policy_of(args)  # a bad --policy is still an error
        print(f"no incidents (no store at {locate.shown(args.store)} yet)")
        return EXIT_OK
    if args.action == "open":
        _check_severity_before_creating_a_store(args)
    service = open_service(args, create=args.action == "open")
    try:
        if args.action not in ("open", "list"):
            service.policy = _incident_policy(service, args)
        actor, resolved = _actor(service, args)
        code = HANDLERS[args.action](service, args, actor)
        posted = getattr(args, "post", False) or getattr(args, "groups", None)
        if args.action not in _NO_RETRY and not posted and resolved:
            retry_due(service, args.incident, actor)
        return code
    finally:
        service.store.close()


_NO_RETRY = frozenset({"open", "list", "outbox"})
"""Commands that do not retry queued posts on their way out (outbox does it as its job)."""

_READING = frozenset({"list", "show", "status"})
"""Subcommands that only read: an account the people section does not know may still look."""


def _incident_policy(service: IncidentService, args: argparse.Namespace) -> Policy:
    if args.action == "policy":  # the IC replaces the pinned policy: --policy is the new one
        return service.policy_for(args.incident)
    return pinned_policy(service, args, args.incident)


def _actor(service: IncidentService, args: argparse.Namespace) -> tuple[Actor, bool]:
    """The resolved actor, and whether it resolved (reading commands go on without)."""
    try:
        return actor_of(args, service.policy, service.store.login()), True
    except IdentityRefused:
        if args.action not in _READING or args.actor is not None:
            raise
        return Actor.current(os_account()), False


def _check_severity_before_creating_a_store(args: argparse.Namespace) -> None:
    """The open rule's severity check, run first, so a refused `open` leaves no new store behind."""
    probe = NewEvent(EventType.INCIDENT_OPENED, Actor.current(os_account()), {"severity": args.sev})
    refuse_if(check_open(probe, policy_of(args)))


def _echo(event: Event) -> int:
    print(human_line(event))
    return EXIT_OK


def _open(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    now = svc.clock.now()
    started = parse_when(args.started_at, now) if args.started_at else None
    event = svc.open(
        " ".join(args.title),
        args.sev,
        None if args.no_ic else (args.ic or actor.name),
        actor,
        runbook=args.runbook,
        started_at=started,
        service=args.service,
    )
    print(event.incident_id)
    return EXIT_OK if args.quiet else _echo(event)


def _list(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    print_incidents(svc.incidents())
    return EXIT_OK


def _show(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    report, events = svc.store.verified_events(args.incident)
    if not report.ok:
        sys.stderr.write(visible(f"warning: {broken_line(args.incident, report)}\n"))
        events = svc.events(args.incident)
    _status(svc, args, actor)
    print()
    for event in events:
        print(human_line(event))
    return EXIT_OK


def _status(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    seen = _draw_board(svc, args)
    if getattr(args, "remind", False) and getattr(args, "format", "text") != "json":
        send_reminder(svc, args.incident, actor)
    if getattr(args, "follow", False):
        follow_board(svc, args.incident, args.timeout, seen, lambda: _draw_board(svc, args))
    return EXIT_OK


def _draw_board(svc: IncidentService, args: argparse.Namespace) -> int:
    """Print the board; returns the last seq it shows (what `--follow` compares against)."""
    state, now = svc.state(args.incident), svc.clock.now()
    if getattr(args, "format", "text") == "json":
        print(json.dumps(board(state, svc.policy, now), indent=2, ensure_ascii=False))
    else:
        print_board(state, svc.policy, now)
    return state.last_seq


def _outbox(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    if args.remind:
        send_reminder(svc, args.incident, actor)
    if not args.list:
        report(flush(svc, args.incident, actor, sender_for(svc.policy), force=True), args.incident)
    lines = outbox_lines(svc.state(args.incident).undelivered_posts)
    print("\n".join(lines))
    return EXIT_FINDINGS if svc.state(args.incident).undelivered_posts else EXIT_OK


def _assign(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.assign(args.incident, args.role, args.person, actor))


def _handover(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.handover(args.incident, args.role, args.to, args.reason, actor))


def _sev(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.set_severity(args.incident, args.severity, args.reason, actor))


def _note(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.note(args.incident, " ".join(args.text), actor))


def _hypothesis(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    if args.drop:
        return _echo(svc.drop_hypothesis(args.incident, args.drop, args.reason, actor))
    if not args.text:
        raise UsageError("say the hypothesis, or --drop HID --reason WHY")
    return _echo(svc.hypothesis(args.incident, " ".join(args.text), actor, args.hypothesis_id))


def _propose(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    event = svc.propose_change(
        args.incident,
        " ".join(args.change),
        args.owner or actor.name,
        actor,
        hypothesis=args.hypothesis,
        rollback=args.rollback,
        irreversible=args.irreversible,
        risky=args.risky,
        change_id=args.change_id,
        strategy=args.strategy,
    )
    _echo(event)
    if args.risky:
        _echo(svc.request_approval(args.incident, str(event.payload["change_id"]), actor))
    return EXIT_OK


def _start(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.start_change(args.incident, args.change, actor))


def _result(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    observation = " ".join(args.observation)
    return _echo(svc.record_result(args.incident, args.change, args.result, observation, actor))


def _approve(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.approve(args.incident, args.change, actor, reason=args.reason or None))


def _deny(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.deny(args.incident, args.change, args.reason, actor))


def _update(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    broken, events = checked_events(svc.store, args.incident, args.allow_broken)
    state, now = svc.state(args.incident), svc.clock.now()
    inputs = with_last_impact(_draft_inputs(args, now), events)
    draft = build_draft(state, svc.policy, now, args.kind or default_kind(state), inputs)
    posting = args.post or bool(args.groups)
    if posting and args.dry_run:
        raise UsageError("--dry-run records nothing, so it cannot --post", "drop one of them")
    channels = post_targets(svc.policy, state, args.groups) if posting else ()
    if not args.dry_run:
        post_draft(svc, args.incident, draft, actor, post_to=[c.name for c in channels])
    text = render_markdown(draft) if args.markdown else render_text(draft)
    text = (markdown_banner(args.incident, broken) if args.markdown else "") + text
    sys.stdout.write(visible(text if text.endswith("\n") else text + "\n"))
    sys.stdout.flush()
    if channels:
        report(flush(svc, args.incident, actor, sender_for(svc.policy)), args.incident)
    return EXIT_OK


def _draft_inputs(args: argparse.Namespace, now: datetime) -> DraftInputs:
    fields = (
        "impact",
        "affected",
        "hypothesis",
        "trend",
        "progress",
        "root_cause",
        "fix",
        "customer_impact",
        "postmortem_at",
        "workaround",
        "scope",
        "plan",
        "decision",
    )
    given = {name: getattr(args, name) for name in fields if getattr(args, name) is not None}
    nxt = now + timedelta(minutes=args.next_in) if args.next_in is not None else None
    return DraftInputs(**given, next_update_at=nxt, actions=tuple(_action_line(a) for a in args.actions))


def _action_line(text: str) -> ActionLine:
    action, sep, owner = text.rpartition("=")
    owner, _, eta = owner.partition("@")
    if not sep or not action.strip() or not owner.strip():
        raise UsageError(
            f"--action {text!r} needs the form TEXT=OWNER or TEXT=OWNER@ETA",
            "e.g. --action 'gateway check=sara@14:40'",
        )
    eta = eta.strip()
    return ActionLine(action.strip(), owner.strip(), f"{eta} UTC" if _HHMM_ONLY.match(eta) else eta)


_HHMM_ONLY = re.compile(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")


def post_draft(
    svc: IncidentService, incident: str, draft: StatusDraft, actor: Actor, post_to: Sequence[str] = ()
) -> Event:
    """Record a drafted status update (the rendered text travels in the event), queued for `post_to`."""
    payload = draft.payload()
    return svc.status_update(
        incident,
        draft.kind,
        payload["text"],
        actor,
        impact=draft.impact,
        hypothesis=draft.hypothesis,
        actions=payload["actions"],
        trend=payload["trend"],
        next_update_at=draft.next_update_at,
        severity=draft.severity,
        post_to=post_to,
    )


def _action(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    due = args.due or (svc.clock.now().date() + timedelta(days=BUCKET_DAYS[args.bucket]))
    return _echo(svc.action_item(args.incident, " ".join(args.text), args.owner, due, args.bucket, actor))


def _mitigate(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    _echo(svc.mitigate(args.incident, " ".join(args.summary), actor))
    return EXIT_OK if args.no_monitoring else _echo(svc.start_monitoring(args.incident, actor))


def _resolve(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.resolve(args.incident, " ".join(args.summary), actor, override_reason=args.override))


def _reopen(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.reopen(args.incident, args.reason, actor))


def _override(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    return _echo(svc.override(args.incident, args.rule, args.reason, actor))


HANDLERS: dict[str, Handler] = {
    "open": _open,
    "list": _list,
    "show": _show,
    "status": _status,
    "assign": _assign,
    "handover": _handover,
    "sev": _sev,
    "note": _note,
    "hypothesis": _hypothesis,
    "propose": _propose,
    "start": _start,
    "result": _result,
    "approve": _approve,
    "deny": _deny,
    "update": _update,
    "outbox": _outbox,
    "action": _action,
    "mitigate": _mitigate,
    "resolve": _resolve,
    "reopen": _reopen,
    "override": _override,
    **AUTHORITY_HANDLERS,
}
