"""Outbox rules: a post is sent by one sender at a time and never after it was delivered.

The claim (`post_attempt`) is checked inside the store's append transaction like every rule, so
two terminals retrying the same queue cannot both post a message: the second claim is refused.
Reminders come at most once per update cadence, and only while an update is overdue.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.policy import Policy
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.refusal import Check, Refusal
from runbook_engine.timeline.values import IncidentState, severity_rule


def _known(state: IncidentState, event: NewEvent) -> Refusal | None:
    post = state.posts.get(str(event.payload["post_id"]))
    if post is None:
        wanted = event.payload["post_id"]
        return Refusal("unknown_post", f"no queued post {wanted}", "list them: runbook incident outbox ID")
    if post.delivered:
        return Refusal("already_delivered", f"{post.post_id} was delivered already", "nothing to do")
    return None


def _attempt(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    refusal = _known(state, event)
    post = state.posts.get(str(event.payload["post_id"]))
    if refusal is None and post is not None and post.claimed_at(now):
        return Refusal(
            "post_in_progress", f"{post.post_id} is being posted by another sender", "wait for its result"
        )
    return refusal


def _settled(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    return _known(state, event)


def _reminder(state: IncidentState, event: NewEvent, now: datetime, policy: Policy) -> Refusal | None:
    if state.update_overdue_s(now) is None:
        return Refusal("update_not_overdue", "no status update is overdue", "nothing to remind about")
    rule = severity_rule(policy, state.severity)
    cadence = rule.update_cadence_s if rule else None
    last = state.last_reminder_at
    if last is not None and cadence and (now - last).total_seconds() < cadence:
        return Refusal(
            "reminder_too_soon", f"a reminder went out at {last:%H:%M} UTC", "one reminder per update cadence"
        )
    return None


POST_CHECKS: dict[EventType, Check] = {
    EventType.POST_ATTEMPT: _attempt,
    EventType.POST_DELIVERED: _settled,
    EventType.POST_FAILED: _settled,
    EventType.UPDATE_REMINDER: _reminder,
}

AFTER_RESOLVE_POSTS = frozenset({EventType.POST_ATTEMPT, EventType.POST_DELIVERED, EventType.POST_FAILED})
"""A resolved incident still delivers what is queued (the resolution update is posted after it)."""
