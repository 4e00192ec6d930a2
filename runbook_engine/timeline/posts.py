"""Messages queued for chat channels, as the timeline records them: the outbox is a fold too.

A status update or reminder whose payload names `post_to` channels queues one post per channel,
identified by `post_id` (`SEQ:CHANNEL`). `post_attempt` claims it for a lease, `post_delivered`
settles it, `post_failed` puts it back in the queue (not before `retry_at`). Nothing here does
I/O; the sender in `comms.outbox` reads these values and appends the events.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.frozen import frozen

POSTABLE = ("status_update", "update_reminder")
"""Event types whose payload may queue posts."""


@frozen
class Post:
    """One message for one channel, from queued to delivered."""

    post_id: str
    about_seq: int
    channel: str
    kind: str
    queued_at: datetime
    status: str = "queued"
    """queued, sending (claimed), failed (queued again) or delivered."""
    attempts: int = 0
    claimed_until: datetime | None = None
    retry_at: datetime | None = None
    last_error: str = ""
    delivered_at: datetime | None = None

    @property
    def delivered(self) -> bool:
        return self.status == "delivered"

    def claimed_at(self, now: datetime) -> bool:
        """Whether a sender holds it at `now` (a lease that ran out means that sender died)."""
        return self.status == "sending" and self.claimed_until is not None and now < self.claimed_until

    def due_at(self, now: datetime) -> bool:
        """Whether a sender may try it at `now`."""
        if self.delivered or self.claimed_at(now):
            return False
        return self.retry_at is None or self.retry_at <= now


def post_id(seq: int, channel: str) -> str:
    """The delivery id of the message at `seq` for `channel`."""
    return f"{seq}:{channel}"
