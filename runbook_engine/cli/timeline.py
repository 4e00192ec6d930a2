"""`runbook timeline show|tail|export|verify`: read, follow, export and check an incident's record."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from runbook_engine.cli.args import add_common_options, emit
from runbook_engine.cli.incident_context import actor_of, open_store, policy_of
from runbook_engine.cli.incident_posts import send_reminder
from runbook_engine.cli.integrity import add_allow_broken, broken_line, checked_events, markdown_banner
from runbook_engine.cli.recovery import add_recovery_parser, continue_chain
from runbook_engine.comms.reminders import update_notice
from runbook_engine.errors import EXIT_FINDINGS, EXIT_OK, StoreUnavailable, UsageError
from runbook_engine.render.escape import markdown as md
from runbook_engine.terminal_text import visible_line
from runbook_engine.timeline.chain import VerifyReport, parse_anchor
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.due import update_urgency
from runbook_engine.timeline.events import Event
from runbook_engine.timeline.format import human_line
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import Store


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Read, follow, export and verify timelines.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = _sub(sub, "show", "print every event as a human line")
    show.add_argument("incident")
    tail = _sub(sub, "tail", "print the last lines; --follow streams new ones as they are appended")
    tail.add_argument("incident")
    tail.add_argument("-n", "--lines", type=int, default=10, help="how many past lines (default 10)")
    tail.add_argument("-f", "--follow", action="store_true", help="keep printing new events")
    tail.add_argument(
        "--interval", type=float, default=0.5, help="seconds between looks at a SQLite store (default 0.5)"
    )
    tail.add_argument("--timeout", type=float, default=None, help="stop following after SECONDS")
    tail.add_argument("--stop-after", type=int, default=None, metavar="N", help="stop after N new events")
    tail.add_argument(
        "--remind", action="store_true", help="while following: post 'update overdue' to the IC's channel"
    )
    export = _sub(sub, "export", "write the timeline as Markdown, JSON or JSON lines")
    export.add_argument("incident")
    export.add_argument("--format", choices=("md", "json", "jsonl"), default="md")
    export.add_argument("-o", "--output", type=Path, default=None, help="file to write (default stdout)")
    add_allow_broken(export)
    verify = _sub(sub, "verify", "check the hash chain and the store; names the first bad sequence number")
    verify.add_argument("incidents", nargs="*", metavar="INCIDENT", help="default: every incident")
    verify.add_argument(
        "--expect-head",
        type=_anchor,
        default=None,
        metavar="SEQ:HASH",
        help="an event (seq and hash) seen outside the store, e.g. in a posted status update: "
        "the chain must still hold it",
    )
    add_recovery_parser(sub, _sub)
    return parser


def _anchor(text: str) -> tuple[int, str]:
    try:
        return parse_anchor(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _sub(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=text, description=text)
    add_common_options(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    with open_store(args, policy_of(args)) as store:
        return ACTIONS[args.action](store, args)


def _show(store: Store, args: argparse.Namespace) -> int:
    sys.stdout.write("".join(f"{human_line(event)}\n" for event in store.events(args.incident)))
    return EXIT_OK


def _tail(store: Store, args: argparse.Namespace) -> int:
    events = store.events(args.incident)
    for event in events[-args.lines :] if args.lines > 0 else []:
        print(human_line(event))
    if not args.follow:
        return EXIT_OK
    sys.stdout.flush()
    follow(store, args.incident, events[-1].seq if events else 0, args)  # Ctrl-C: 130, from main
    return EXIT_OK


def follow(store: Store, incident: str, after: int, args: argparse.Namespace) -> None:
    """Print what others append, woken by the store's doorbell, until a limit (if any) is reached."""
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    bell = store.doorbell()
    printed, rung, urgency = 0, True, None
    try:
        while args.stop_after is None or printed < args.stop_after:
            if rung:
                after, shown = _print_new(store, incident, after)
                printed += shown
            urgency = _say_when_due(store, incident, urgency, args)
            left = FOLLOW_WAKE_S if deadline is None else deadline - time.monotonic()
            if left <= 0:
                return
            rung = bell.wait(min(left, FOLLOW_WAKE_S, max(0.05, args.interval)))
    finally:
        bell.close()


FOLLOW_WAKE_S = 30.0
"""A team store rings on every append; look anyway this often, in case a ring went missing."""


def _print_new(store: Store, incident: str, after: int) -> tuple[int, int]:
    """Print events after `after`; while the store cannot be reached, say so and go on."""
    try:
        events = store.events(incident, after)
    except StoreUnavailable as exc:
        print(f"-- {exc.message}; following again once it is back", file=sys.stderr, flush=True)
        return after, 0
    for event in events:
        print(human_line(event), flush=True)
    return (events[-1].seq if events else after), len(events)


def _say_when_due(store: Store, incident: str, said: str | None, args: argparse.Namespace) -> str | None:
    """Print the status-update notice when it changes (due soon, overdue); `--remind` posts one."""
    try:
        state = store.state(incident)
    except StoreUnavailable:
        return said  # _print_new says it
    now = SystemClock().now()
    urgency = update_urgency(state, now)
    if urgency is not None and urgency != said:
        print(visible_line(f"!! {update_notice(state, now)}"), flush=True)
        if urgency == "overdue" and getattr(args, "remind", False):
            service = IncidentService(store, store.policy)
            send_reminder(service, incident, actor_of(args, service.policy_for(incident), store.login()))
    return urgency


def _export(store: Store, args: argparse.Namespace) -> int:
    broken, events = checked_events(store, args.incident, args.allow_broken)
    text = EXPORTERS[args.format](args.incident, events, broken)
    emit(args.output, lambda stream: stream.write(text))
    if args.output is not None:
        print(f"wrote {len(events)} events to {args.output}")
    return EXIT_OK


def export_markdown(incident: str, events: Sequence[Event], broken: VerifyReport | None = None) -> str:
    title = str(events[0].payload.get("title", "")) if events else ""
    banner = markdown_banner(incident, broken).splitlines()
    lines = [f"# Timeline of {md(incident)}: {md(title)}", "", *banner]
    lines += [f"- {md(human_line(event))}" for event in events]
    return "\n".join(lines) + "\n"


def export_json(incident: str, events: Sequence[Event], broken: VerifyReport | None = None) -> str:
    body = {**_unverified(incident, broken), "incident_id": incident, "events": [e.to_dict() for e in events]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def export_jsonl(incident: str, events: Sequence[Event], broken: VerifyReport | None = None) -> str:
    lines = [_unverified(incident, broken)] if broken else []
    lines += [event.to_dict() for event in events]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _unverified(incident: str, broken: VerifyReport | None) -> dict[str, object]:
    """The mark a machine reader cannot miss: a first key (JSON) or first line (JSON lines)."""
    if broken is None:
        return {}
    warning = broken_line(incident, broken)
    where = {"first_bad_seq": broken.first_bad_seq, "reason": broken.reason}
    return {"unverified": {**where, "warning": warning}}


def _verify(store: Store, args: argparse.Namespace) -> int:
    if args.expect_head is not None and len(args.incidents) != 1:
        raise UsageError("--expect-head needs exactly one INCIDENT")
    ids = args.incidents or [summary.incident_id for summary in store.incidents()]
    broken = sum(not _verify_one(store, incident, args.expect_head) for incident in ids)
    check = store.check_store()
    for problem in check.problems:
        print(visible_line(f"store: BROKEN: {problem}"), file=sys.stderr)
    for notice in check.notices:
        print(visible_line(f"store: warning: {notice}"), file=sys.stderr)
    return EXIT_FINDINGS if broken or check.problems else EXIT_OK


def _verify_one(store: Store, incident: str, anchor: tuple[int, str] | None) -> bool:
    report = store.verify(incident, anchor)
    if report.ok:
        held = f", holds seq {anchor[0]} as seen outside the store" if anchor else ""
        print(f"{incident}: ok, {report.events_checked} events, hash chain intact{held}")
    else:
        print(f"{incident}: BROKEN at seq {report.first_bad_seq}: {report.reason}", file=sys.stderr)
    return report.ok


EXPORTERS: dict[str, Callable[[str, Sequence[Event], VerifyReport | None], str]] = {
    "md": export_markdown,
    "json": export_json,
    "jsonl": export_jsonl,
}

ACTIONS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "show": _show,
    "tail": _tail,
    "export": _export,
    "verify": _verify,
    "continue": continue_chain,
}
