"""What the incident, timeline, postmortem and walk commands share: the store, policy, times, actor."""

from __future__ import annotations

import argparse
import re
import socket
from datetime import datetime, timedelta

from runbook_engine.errors import InputError, UsageError
from runbook_engine.identity import resolve
from runbook_engine.policy import Policy, PolicyError, load_policy
from runbook_engine.timeline import locate
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.events import Actor, os_account, parse_utc
from runbook_engine.timeline.refusal import Refusal, RuleRefused
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import Store

_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def policy_of(args: argparse.Namespace) -> Policy:
    """The policy from `--policy` (or the bundled one); a bad file is an input error, exit 2."""
    try:
        return load_policy(args.policy)
    except PolicyError as exc:
        raise InputError(str(exc), "fix the policy file or drop --policy to use the bundled one") from None


def actor_of(args: argparse.Namespace, policy: Policy, login: str | None = None) -> Actor:
    """The acting handle, resolved from the account the store records: the team store's database
    `login`, else this process's OS account. Never just the typed name."""
    account = login or os_account()
    return Actor(resolve(args.actor, account, policy.people), account, socket.gethostname())


def pinned_policy(service: IncidentService, args: argparse.Namespace, incident_id: str) -> Policy:
    """The incident's pinned policy; an explicit `--policy` with other content is refused."""
    pinned = service.policy_for(incident_id)
    given = service.policy
    if args.policy is not None and pinned.digest and given.digest != pinned.digest:
        raise RuleRefused(
            Refusal(
                "policy_pinned",
                f"{incident_id} runs on the policy pinned at its opening ({pinned.digest[:12]}), "
                f"not {args.policy} ({given.digest[:12]})",
                f"drop --policy; the IC may replace it: runbook incident policy {incident_id} "
                f"--policy {args.policy} --reason WHY",
            )
        )
    return pinned


def open_store(args: argparse.Namespace, policy: Policy, *, create: bool = False) -> Store:
    """The store named by `--store`; reading commands never create an empty one by accident."""
    return locate.open_store(args.store, policy, create=create)


def open_service(args: argparse.Namespace, *, create: bool = False) -> IncidentService:
    policy = policy_of(args)
    return IncidentService(open_store(args, policy, create=create), policy, SystemClock())


def parse_when(text: str, now: datetime, future: bool = False) -> datetime:
    """`HH:MM` (UTC, today or yesterday, never in the future; with `future`, today or tomorrow,
    never in the past) or an ISO 8601 time."""
    match = _HHMM.match(text.strip())
    if match is None:
        try:
            return parse_utc(text)
        except ValueError:
            raise UsageError(f"{text!r} is not a time", "write HH:MM (UTC) or 2026-03-15T14:00Z") from None
    moment = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if future:
        return moment + timedelta(days=1) if moment < now else moment
    return moment - timedelta(days=1) if moment > now else moment
