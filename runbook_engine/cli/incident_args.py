"""The arguments of each `runbook incident` subcommand, and its one-line help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

from runbook_engine.cli.integrity import add_allow_broken
from runbook_engine.comms import KINDS
from runbook_engine.format.strategies import STRATEGIES

ROLES = ("ic", "comms", "ops", "scribe", "tech_lead", "primary", "owner")


BUCKET_DAYS = {"1h": 0, "24h": 1, "1w": 7}


def _words(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(name, nargs="+", help=f"{name} (several words are joined)")


def _args_open(p: argparse.ArgumentParser) -> None:
    _words(p, "title")
    p.add_argument("--sev", default="SEV-2", help="severity from the policy (default SEV-2)")
    p.add_argument("--ic", default=None, help="incident commander (default: you; see --no-ic)")
    p.add_argument(
        "--no-ic", action="store_true", help="declare it before anyone takes command (an alert, a bystander)"
    )
    p.add_argument("--started-at", default=None, help="when impact began, HH:MM UTC or ISO (default: now)")
    p.add_argument("--runbook", default=None)
    p.add_argument("--service", default=None)
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only the new id, for scripts: ID=$(runbook incident open ... -q)")


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
    p.add_argument("--strategy", choices=STRATEGIES, default=None,
                   help="how it mitigates: undo a change, change forward, or degrade gracefully")
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


UPDATE_FIELDS = {
    "impact": "what users see now (default: the last reported impact, dated)",
    "affected": "who or what is affected: the scope (initial update, and updates when given)",
    "hypothesis": "replace the hypothesis worded from the timeline",
    "trend": "error rate or impact trend, e.g. 'down from 8%% to 2%%'",
    "progress": "replace the progress worded from the changes' results",
    "root-cause": "the cause as a person states it (resolution)",
    "fix": "the fix applied (resolution; default: the changes that helped)",
    "customer-impact": "what customers lost overall (resolution)",
    "postmortem-at": "when the postmortem meets (resolution)",
    "workaround": "what users can do meanwhile (default: none known yet)",
    "scope": "which users, which region",
    "plan": "the plan for the next 10 minutes (default: from the change in flight and the tasks)",
    "decision": "the decision needed now (default: approvals waiting on someone)",
}
"""`runbook incident update` flags for what people know better than the timeline."""


def _args_update(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=KINDS, default=None, help="default: from the incident's phase")
    for field, text in UPDATE_FIELDS.items():
        p.add_argument(f"--{field}", default=None, metavar="TEXT", help=text)
    p.add_argument("--next-in", type=int, default=None, metavar="MIN", help="next update in MIN minutes")
    p.add_argument(
        "--action",
        dest="actions",
        action="append",
        default=[],
        metavar="TEXT=OWNER[@ETA]",
        help="an action in progress not in the timeline, with its owner and ETA (repeatable)",
    )
    p.add_argument("--post", action="store_true", help="post it to the severity's stakeholder channels")
    p.add_argument(
        "--to", dest="groups", action="append", default=[], metavar="GROUP",
        help="post to these stakeholder groups instead (repeatable; implies --post)",
    )
    p.add_argument("--markdown", action="store_true", help="print the Markdown form")
    p.add_argument("--dry-run", action="store_true", help="print the draft without posting it")
    add_allow_broken(p)


def _args_outbox(p: argparse.ArgumentParser) -> None:
    p.add_argument("--list", action="store_true", help="only list what is not delivered yet")
    p.add_argument("--remind", action="store_true", help="post an 'update overdue' note to the IC's channel")


def _args_status(p: argparse.ArgumentParser) -> None:
    p.add_argument("--remind", action="store_true", help="post an 'update overdue' note to the IC's channel")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: the board as data")
    p.add_argument("--follow", action="store_true", help="redraw whenever the timeline grows (Ctrl-C stops)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="--follow: stop then")


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


def _args_claimant(p: argparse.ArgumentParser) -> None:
    p.add_argument("claimant", help="who claimed command")


def _args_change_owner(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", metavar="CHANGE")
    p.add_argument("to", help="the new owner")
    p.add_argument("--reason", default="")


def _args_classify(p: argparse.ArgumentParser) -> None:
    p.add_argument("change", metavar="CHANGE")
    p.add_argument("risk", choices=("safe", "risky"))
    p.add_argument("--reason", default="")


def _args_changed(p: argparse.ArgumentParser) -> None:
    p.add_argument("--answer", nargs="+", default=None, metavar="TEXT", help="answer it yourself")


def _args_task(p: argparse.ArgumentParser) -> None:
    _words(p, "text")
    p.add_argument("--owner", required=True, help="who does it")
    p.add_argument("--eta", required=True, help="minutes from now, or HH:MM UTC")
    p.add_argument("--id", dest="task_id", default=None, help="task id (default T<n>)")


def _args_task_id(p: argparse.ArgumentParser) -> None:
    p.add_argument("task", metavar="TASK")


def _args_done(p: argparse.ArgumentParser) -> None:
    p.add_argument("task", metavar="TASK")
    p.add_argument("note", nargs="*", help="what came of it")
    p.add_argument("--dropped", action="store_true", help="it will not be done")


def _args_followup(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", help="the suggestion's key, as the postmortem lists it")
    p.add_argument("decision", choices=("accept", "dismiss"))
    p.add_argument("--owner", default=None, help="who does it, when accepted (default: you)")
    p.add_argument("--reason", default="")


SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "open": ("declare an incident and print its id", _args_open),
    "list": ("list the incidents in the store", _args_none),
    "show": ("status board followed by the whole timeline", _args_none),
    "status": ("phase, roles, change in flight, approvals, update due or overdue, outbox", _args_status),
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
    "outbox": ("retry status updates not delivered to their channels yet", _args_outbox),
    "action": ("record an action item with owner, bucket and due date", _args_action),
    "mitigate": ("mark the incident mitigated and start the monitoring window", _args_mitigate),
    "resolve": ("resolve (after the monitoring window, or --override REASON as IC)", _args_resolve),
    "reopen": ("reopen a resolved incident, with a reason", _args_reason),
    "override": ("(IC) set the observation or monitoring window aside once", _args_override),
    "take-command": ("claim command from an absent IC (a second responder confirms)", _args_reason),
    "confirm-command": ("confirm another responder's claim of command", _args_claimant),
    "change-owner": ("hand a change's ownership over, with a reason", _args_change_owner),
    "classify": ("(IC) classify an ad-hoc change safe or risky, with a reason", _args_classify),
    "task": ("delegate work to an owner with an ETA (delegated once acknowledged)", _args_task),
    "ack": ("acknowledge a task delegated to you", _args_task_id),
    "done": ("close a task (its owner or the IC), or --dropped", _args_done),
    "followup": ("accept (as an action item) or dismiss a suggested follow-up", _args_followup),
    "changed": ('answer "what changed in the last hour?" (runs the policy\'s command)', _args_changed),
    "policy": ("(IC) replace the incident's pinned policy with --policy FILE, with a reason", _args_reason),
}
