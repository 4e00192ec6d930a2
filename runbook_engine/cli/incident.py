"""`runbook incident ...`: open and run an incident from the command line, one subcommand per act."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta

from runbook_engine.cli.incident_context import actor_of, add_common_options, open_service, parse_when
from runbook_engine.cli.incident_status import print_board, print_incidents
from runbook_engine.comms import (
    KINDS,
    ActionLine,
    DraftInputs,
    StatusDraft,
    build_draft,
    default_kind,
    render_markdown,
    render_text,
    with_last_impact,
)
from runbook_engine.errors import EXIT_OK, UsageError
from runbook_engine.timeline.events import Actor, Event
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.service import IncidentService

ROLES = ("ic", "comms", "ops", "scribe", "tech_lead", "primary", "owner")
BUCKET_DAYS = {"1h": 0, "24h": 1, "1w": 7}
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
    service = open_service(args, create=args.action == "open")
    try:
        return HANDLERS[args.action](service, args, actor_of(args))
    finally:
        service.store.close()


def _words(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(name, nargs="+", help=f"{name} (several words are joined)")


def _args_open(p: argparse.ArgumentParser) -> None:
    _words(p, "title")
    p.add_argument("--sev", default="SEV-2", help="severity from the policy (default SEV-2)")
    p.add_argument("--ic", default=None, help="incident commander (default: you)")
    p.add_argument("--started-at", default=None, help="when impact began, HH:MM UTC or ISO (default: now)")
    p.add_argument("--runbook", default=None)
    p.add_argument("--service", default=None)


def _args_none(p: argparse.ArgumentParser) -> None:
    """No arguments beyond the common ones (and the incident id)."""


def _args_role(p: argparse.ArgumentParser) -> None:
    p.add_argument("role", choices=ROLES)
    p.add_argument("person")


def _args_handover(p: argparse.ArgumentParser) -> None:
    p.add_argument("role", choices=ROLES)
    p.add_argument("to")
    p.add_argument("--reason", default="")


def _args_sev(p: argparse.ArgumentParser) -> None:
    p.add_argument("severity")
    p.add_argument("--reason", default="")


def _args_text(p: argparse.ArgumentParser) -> None:
    _words(p, "text")


def _args_hypothesis(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="*")
    p.add_argument("--id", dest="hypothesis_id", default=None, help="id for a new hypothesis (default H<n>)")
    p.add_argument("--drop", default=None, metavar="HID", help="drop hypothesis HID instead")
    p.add_argument("--reason", default="", help="why it is dropped")


def _args_propose(p: argparse.ArgumentParser) -> None:
    _words(p, "change")
    p.add_argument("--owner", default=None, help="who makes the change (default: you)")
    p.add_argument("--hypothesis", default="", help="hypothesis id or text the change tests")
    p.add_argument("--rollback", default=None, help="how to undo it")
    p.add_argument("--irreversible", action="store_true", help="accept that it cannot be undone")
    p.add_argument("--risky", action="store_true", help="needs approval (requested at once)")
    p.add_argument("--id", dest="change_id", default=None)


def _args_change(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", metavar="CHANGE")


def _args_result(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", metavar="CHANGE")
    p.add_argument("result", choices=("helped", "no_change", "worse"))
    _words(p, "observation")


def _args_decision(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", metavar="CHANGE")
    p.add_argument("--reason", default="")


def _args_update(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=KINDS, default=None, help="default: from the incident's phase")
    for field in (
        "impact",
        "affected",
        "hypothesis",
        "trend",
        "progress",
        "root-cause",
        "fix",
        "customer-impact",
        "postmortem-at",
    ):
        p.add_argument(f"--{field}", default=None, help=f"override the drafted {field.replace('-', ' ')}")
    p.add_argument("--next-in", type=int, default=None, metavar="MIN", help="next update in MIN minutes")
    p.add_argument(
        "--action",
        dest="actions",
        action="append",
        default=[],
        metavar="TEXT=OWNER",
        help="an action in progress not in the timeline (repeatable)",
    )
    p.add_argument("--markdown", action="store_true", help="print the Markdown form")
    p.add_argument("--dry-run", action="store_true", help="print the draft without posting it")


def _args_action(p: argparse.ArgumentParser) -> None:
    _words(p, "text")
    p.add_argument("--owner", required=True)
    p.add_argument("--bucket", choices=tuple(BUCKET_DAYS), required=True, help="within 1h, 24h or 1w")
    p.add_argument("--due", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: by bucket)")


def _args_mitigate(p: argparse.ArgumentParser) -> None:
    _words(p, "summary")
    p.add_argument("--no-monitoring", action="store_true", help="do not start the monitoring window")


def _args_resolve(p: argparse.ArgumentParser) -> None:
    _words(p, "summary")
    p.add_argument("--override", default=None, metavar="REASON", help="(IC only) resolve before the window")


def _args_reason(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reason", default="")


def _args_override(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", choices=("observation_window", "monitoring_window"))
    p.add_argument("--reason", default="")


def _echo(event: Event) -> int:
    print(human_line(event))
    return EXIT_OK


def _open(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    now = svc.clock.now()
    started = parse_when(args.started_at, now) if args.started_at else None
    event = svc.open(
        " ".join(args.title),
        args.sev,
        args.ic or actor.name,
        actor,
        runbook=args.runbook,
        started_at=started,
        service=args.service,
    )
    print(event.incident_id)
    return _echo(event)


def _list(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    print_incidents(svc.incidents())
    return EXIT_OK


def _show(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    _status(svc, args, actor)
    print()
    for event in svc.events(args.incident):
        print(human_line(event))
    return EXIT_OK


def _status(svc: IncidentService, args: argparse.Namespace, actor: Actor) -> int:
    print_board(svc.state(args.incident), svc.policy, svc.clock.now())
    return EXIT_OK


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
    state, now = svc.state(args.incident), svc.clock.now()
    inputs = with_last_impact(_draft_inputs(args, now), svc.events(args.incident))
    draft = build_draft(state, svc.policy, now, args.kind or default_kind(state), inputs)
    if not args.dry_run:
        post_draft(svc, args.incident, draft, actor)
    sys.stdout.write(render_markdown(draft) if args.markdown else render_text(draft))
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
    )
    given = {name: getattr(args, name) for name in fields if getattr(args, name) is not None}
    nxt = now + timedelta(minutes=args.next_in) if args.next_in is not None else None
    return DraftInputs(**given, next_update_at=nxt, actions=tuple(_action_line(a) for a in args.actions))


def _action_line(text: str) -> ActionLine:
    action, sep, owner = text.rpartition("=")
    if not sep or not action.strip() or not owner.strip():
        raise UsageError(f"--action {text!r} needs the form TEXT=OWNER", "e.g. --action 'gateway check=sara'")
    return ActionLine(action.strip(), owner.strip())


def post_draft(svc: IncidentService, incident: str, draft: StatusDraft, actor: Actor) -> Event:
    """Record a drafted status update as posted (the rendered text travels in the event)."""
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


SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "open": ("declare an incident and print its id", _args_open),
    "list": ("list the incidents in the store", _args_none),
    "show": ("status board followed by the whole timeline", _args_none),
    "status": ("phase, roles, change in flight, approvals, update due or overdue", _args_none),
    "assign": ("give a role to a person", _args_role),
    "handover": ("hand a role over, with a reason", _args_handover),
    "sev": ("change the severity, with a reason", _args_sev),
    "note": ("add a note to the timeline", _args_text),
    "hypothesis": ("state a hypothesis, or drop one with --drop", _args_hypothesis),
    "propose": ("propose a change (--risky also requests approval)", _args_propose),
    "start": ("start an approved (or safe) change", _args_change),
    "result": ("record what a change did: helped, no_change or worse", _args_result),
    "approve": ("approve a risky change (the policy's approver only)", _args_decision),
    "deny": ("deny a risky change, with a reason", _args_decision),
    "update": ("draft, post and print a status update", _args_update),
    "action": ("record an action item with owner, bucket and due date", _args_action),
    "mitigate": ("mark the incident mitigated and start the monitoring window", _args_mitigate),
    "resolve": ("resolve (after the monitoring window, or --override REASON as IC)", _args_resolve),
    "reopen": ("reopen a resolved incident, with a reason", _args_reason),
    "override": ("(IC) set the observation or monitoring window aside once", _args_override),
}

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
    "action": _action,
    "mitigate": _mitigate,
    "resolve": _resolve,
    "reopen": _reopen,
    "override": _override,
}
