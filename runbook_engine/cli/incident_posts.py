"""`incident update --post`, `incident outbox` and `--remind`: the CLI side of the outbox.

Which channels a post goes to is decided here from the policy (the severity's stakeholder groups,
or `--to GROUP`); sending is `comms.outbox`. A command waits for its own posts (each request has
a timeout), and every later incident command retries what is due with one request per post, so a
channel that is down costs a command at most one timeout per queued post.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace

from runbook_engine.channels import Channel
from runbook_engine.comms.outbox import Sender, Sent, flush
from runbook_engine.comms.reminders import remind
from runbook_engine.comms.retry import RetryPolicy
from runbook_engine.errors import InputError, UsageError
from runbook_engine.policy import Policy
from runbook_engine.terminal_text import visible_line
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.posts import Post
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import IncidentState
from runbook_engine.timeline.values import stakeholder_groups


def post_targets(policy: Policy, state: IncidentState, groups: Sequence[str]) -> tuple[Channel, ...]:
    """The channels for `groups`, or for the severity's stakeholders when none are named."""
    severity = state.severity
    known = policy.channels.groups
    unknown = [g for g in groups if g not in known]
    if unknown:
        names = ", ".join(known) or "none"
        message = f"no channels for group {unknown[0]!r} in the policy"
        raise UsageError(message, f"groups with channels: {names}")
    wanted = list(groups) or list(stakeholder_groups(state, policy))
    channels = policy.channels.of_groups(wanted)
    if not channels:
        who = ", ".join(wanted) or "no stakeholder groups"
        raise InputError(
            f"the policy maps no channel to {severity}'s stakeholders ({who})",
            "add a channels: section to the policy (docs/incident.md, Posting to chat), or use --to GROUP",
        )
    return channels


def sender_for(policy: Policy, attempts: int | None = None) -> Sender:
    """The real sender, with the policy's attempts (or fewer, for the next command's retry)."""
    tries = attempts if attempts is not None else policy.channels.settings.attempts
    return replace(Sender(), retry=RetryPolicy(attempts=tries))


def report(results: Sequence[Sent], incident_id: str) -> None:
    """One line per post on stderr (stdout keeps the draft, for piping)."""
    for sent in results:
        if sent.delivered:
            _say(f"posted #{sent.post_id.partition(':')[0]} to {sent.channel}")
        elif not sent.skipped:
            _say(
                f"NOT posted to {sent.channel}: {sent.reason}; it stays queued "
                f"(runbook incident outbox {incident_id} retries now)"
            )


def _say(line: str) -> None:
    print(visible_line(line), file=sys.stderr)


def retry_due(service: IncidentService, incident_id: str, actor: Actor) -> None:
    """What every incident command does last: one request for each post that is due."""
    state = service.state(incident_id)
    now = service.clock.now()
    if any(post.due_at(now) for post in state.undelivered_posts):
        sender = sender_for(service.policy_for(incident_id), attempts=1)
        report(flush(service, incident_id, actor, sender, sendable_only=True), incident_id)


def outbox_lines(posts: Sequence[Post]) -> list[str]:
    if not posts:
        return ["outbox: every queued message is delivered"]
    return [visible_line(f"undelivered: {_post_line(post)}") for post in posts]


def _post_line(post: Post) -> str:
    what = "reminder" if post.kind == "update_reminder" else "status update"
    why = f"; last error: {post.last_error}" if post.last_error else ""
    return f"{what} #{post.about_seq} to {post.channel} ({post.status}, {post.attempts} requests{why})"


def send_reminder(service: IncidentService, incident_id: str, actor: Actor) -> None:
    """`--remind`: queue and post the 'update overdue' note, when one is due and allowed."""
    outcome = remind(service, incident_id, actor)
    if outcome is not None:
        _say(outcome)
        report(flush(service, incident_id, actor, sender_for(service.policy_for(incident_id))), incident_id)
