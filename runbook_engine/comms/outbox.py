"""Sending what the timeline has queued: claim a post, send it with retries, record the outcome.

Every step is a timeline event appended through the rules, so the outbox works the same over any
store and survives any crash: a post is queued by the event that holds its text, claimed by
`post_attempt` (a second sender is refused), and settled by `post_delivered` or `post_failed`
(it stays queued, with `retry_at` for the backoff). Reasons recorded never contain the URL.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from datetime import timedelta

from runbook_engine.channels import Channel
from runbook_engine.comms.formats import FORMATS
from runbook_engine.comms.message import message_from_event
from runbook_engine.comms.response import Response
from runbook_engine.comms.retry import Outcome, RetryPolicy, backoff_s, deliver
from runbook_engine.comms.secrets import SecretError, webhook_url
from runbook_engine.errors import Refused
from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import Actor, EventType, NewEvent, iso_utc
from runbook_engine.timeline.posts import Post
from runbook_engine.timeline.service import IncidentService

MAX_PARALLEL = 8
PostFn = Callable[[str, bytes, Mapping[str, str], float], Response]


def _post_json(url: str, body: bytes, headers: Mapping[str, str], timeout_s: float) -> Response:
    """The real request; the HTTP stack is imported only when something is sent."""
    from runbook_engine.comms.http import post_json

    return post_json(url, body, headers, timeout_s)


@frozen
class Sender:
    """Where URLs come from and how requests are made and retried (tests inject `sleep`)."""

    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep
    post: PostFn = _post_json
    timeout_s: float | None = None
    """Overrides the policy's request timeout (None: the policy's `comms: timeout`)."""


@frozen
class Sent:
    """What happened to one post in this run (`skipped`: another sender holds it)."""

    post_id: str
    channel: str
    delivered: bool
    reason: str = ""
    skipped: bool = False


def flush(
    service: IncidentService,
    incident_id: str,
    actor: Actor,
    sender: Sender,
    *,
    force: bool = False,
    sendable_only: bool = False,
) -> list[Sent]:
    """Try every post that is due (with `force`: every undelivered one nobody holds).

    Posts go out in parallel, one thread each (the store serialises the appends), so a stalled
    channel costs the command one channel's timeouts, not one per channel. `sendable_only` skips
    posts for channels this policy does not define (instead of recording a failure for each).
    """
    now = service.clock.now()
    posts = service.state(incident_id).undelivered_posts
    due = [p for p in posts if p.due_at(now) or (force and not p.claimed_at(now))]
    if sendable_only:  # a terminal whose policy lacks the channel leaves it to one that has it
        channels = service.policy_for(incident_id).channels
        due = [p for p in due if channels.by_name(p.channel) is not None]
    if len(due) <= 1:
        return [send_post(service, incident_id, post, actor, sender) for post in due]
    from concurrent.futures import ThreadPoolExecutor  # several channels at once: rare, so loaded here

    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(due)), thread_name_prefix="post") as pool:
        return list(pool.map(lambda post: send_post(service, incident_id, post, actor, sender), due))


def send_post(service: IncidentService, incident_id: str, post: Post, actor: Actor, sender: Sender) -> Sent:
    """Claim, send and record one post; refused claims are skipped, not errors."""
    ids = {"post_id": post.post_id, "channel": post.channel}
    settings = service.policy_for(incident_id).channels.settings
    claim = {**ids, "lease_s": lease_s(sender, sender.timeout_s or settings.timeout_s)}
    try:
        service.append(incident_id, NewEvent(EventType.POST_ATTEMPT, actor, claim))
    except Refused:
        return Sent(post.post_id, post.channel, False, "being sent by someone else", skipped=True)
    try:
        outcome = _send(service, incident_id, post, sender)
    except BaseException:
        _record(service, incident_id, post, actor, sender, Outcome(False, 0, None, "interrupted"))
        raise
    _record(service, incident_id, post, actor, sender, outcome)
    return Sent(post.post_id, post.channel, outcome.delivered, outcome.reason)


def lease_s(sender: Sender, timeout_s: float) -> int:
    """Long enough for every request and wait of one try, plus a margin."""
    retry = sender.retry
    return math.ceil(retry.attempts * (timeout_s + retry.cap_s) + 10)


def _send(service: IncidentService, incident_id: str, post: Post, sender: Sender) -> Outcome:
    channels = service.policy_for(incident_id).channels  # the incident's pinned policy
    channel = channels.by_name(post.channel)
    if channel is None:
        return Outcome(False, 0, None, f"channel {post.channel} is no longer in the policy")
    try:
        url = webhook_url(channel, channels.settings, sender.environ)
    except SecretError as exc:
        return Outcome(False, 0, None, str(exc))
    body, problem = _body(service, incident_id, post, channel)
    if problem:
        return Outcome(False, 0, None, problem)
    timeout = sender.timeout_s or channels.settings.timeout_s
    headers = {"Idempotency-Key": f"{incident_id}/{post.post_id}"}
    outcome = deliver(lambda: sender.post(url, body, headers, timeout), sender.retry, sender.sleep)
    return replace(outcome, reason=_redact(outcome.reason, url))


def _body(service: IncidentService, incident_id: str, post: Post, channel: Channel) -> tuple[bytes, str]:
    event = service.events(incident_id, post.about_seq - 1)[0]
    fmt = FORMATS[channel.service]
    payload = fmt.payload(message_from_event(event, post.post_id))
    problems = fmt.problems(payload)
    if problems:
        return b"", f"the {fmt.name} message breaks a limit: {'; '.join(problems)}"
    return json.dumps(payload, ensure_ascii=False).encode("utf-8"), ""


def _record(
    service: IncidentService, incident_id: str, post: Post, actor: Actor, sender: Sender, outcome: Outcome
) -> None:
    ids = {"post_id": post.post_id, "channel": post.channel}
    if outcome.delivered:
        done = {**ids, "attempts": outcome.attempts, "status": outcome.status or 200}
        service.append(incident_id, NewEvent(EventType.POST_DELIVERED, actor, done))
        return
    wait = outcome.wait_s
    if wait is None:
        wait = backoff_s(sender.retry, post.attempts + max(1, outcome.attempts), sender.retry.later_cap_s)
    retry_at = service.clock.now() + timedelta(seconds=wait)
    failed = {**ids, "attempts": outcome.attempts, "reason": outcome.reason, "retry_at": iso_utc(retry_at)}
    service.append(incident_id, NewEvent(EventType.POST_FAILED, actor, failed))


def _redact(reason: str, url: str) -> str:
    """Belt and braces: the reasons are built without the URL, but never let one through."""
    return reason.replace(url, "<webhook URL>") if url and url in reason else reason
