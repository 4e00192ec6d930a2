"""How the outbox events change the state: a postable event queues posts, the rest move them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from runbook_engine.timeline.change_reducers import Reducer
from runbook_engine.timeline.events import Event, EventType, parse_utc
from runbook_engine.timeline.posts import Post, post_id
from runbook_engine.timeline.values import IncidentState, evolve


def queue_posts(state: IncidentState, event: Event) -> IncidentState:
    """One queued post per channel in the event's `post_to` (none when it has no such field)."""
    channels = [str(name) for name in event.payload.get("post_to") or ()]
    if not channels:
        return state
    kind = event.type.value
    posts = [Post(post_id(event.seq, c), event.seq, c, kind, event.at) for c in channels]
    queued = {post.post_id: post for post in posts}
    return evolve(state, posts={**state.posts, **queued})


def _reminder(state: IncidentState, event: Event) -> IncidentState:
    return evolve(queue_posts(state, event), last_reminder_at=event.at)


def _attempt(state: IncidentState, event: Event) -> IncidentState:
    lease = timedelta(seconds=int(event.payload["lease_s"]))
    return _update(state, event.payload, status="sending", claimed_until=event.at + lease)


def _delivered(state: IncidentState, event: Event) -> IncidentState:
    post = state.posts.get(str(event.payload["post_id"]))
    attempts = (post.attempts if post else 0) + int(event.payload["attempts"])
    fields = {"status": "delivered", "delivered_at": event.at, "claimed_until": None, "last_error": ""}
    return _update(state, event.payload, attempts=attempts, **fields)


def _failed(state: IncidentState, event: Event) -> IncidentState:
    p = event.payload
    post = state.posts.get(str(p["post_id"]))
    if post is None or post.delivered:
        return state
    retry_at = parse_utc(str(p["retry_at"])) if p.get("retry_at") else None
    fields = {"status": "failed", "claimed_until": None, "retry_at": retry_at, "last_error": str(p["reason"])}
    return _update(state, p, attempts=post.attempts + int(p["attempts"]), **fields)


def _update(state: IncidentState, payload: Any, **fields: Any) -> IncidentState:
    post = state.posts.get(str(payload["post_id"]))
    if post is None:
        return state
    return evolve(state, posts={**state.posts, post.post_id: replace(post, **fields)})


POST_REDUCERS: dict[EventType, Reducer] = {
    EventType.UPDATE_REMINDER: _reminder,
    EventType.POST_ATTEMPT: _attempt,
    EventType.POST_DELIVERED: _delivered,
    EventType.POST_FAILED: _failed,
}
