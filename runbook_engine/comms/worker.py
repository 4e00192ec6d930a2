"""Delivery in a background thread, so the walk screen never waits on a chat service.

The screen appends the status update (which queues its posts) and kicks the worker; the worker
runs the outbox and goes back to sleep. It also wakes on its own every `interval_s` to retry
what is due. Any error is kept in `last_error` for the screen to show; the thread never dies of it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService

if TYPE_CHECKING:
    from runbook_engine.comms.outbox import Sender

RETRY_INTERVAL_S = 15.0


class OutboxWorker:
    def __init__(
        self,
        service: IncidentService,
        incident_id: str,
        actor: Actor,
        sender: Sender | None = None,
        interval_s: float = RETRY_INTERVAL_S,
    ) -> None:
        self.service, self.incident_id, self.actor, self.sender = service, incident_id, actor, sender
        self.interval_s = interval_s
        self.last_error = ""
        self.runs = 0
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="runbook-outbox", daemon=True)

    def start(self) -> OutboxWorker:
        self._thread.start()
        return self

    def kick(self) -> None:
        """Deliver now (returns at once)."""
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop after the post in hand; whatever is still queued stays in the timeline."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout_s)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._once()
            self._wake.wait(self.interval_s)
            self._wake.clear()

    def _once(self) -> None:
        # Imported here, in the worker's thread: the HTTP and YAML modules stay off the walk's
        # first screen.
        from runbook_engine.comms.outbox import Sender, flush
        from runbook_engine.comms.retry import RetryPolicy

        if self.sender is None:
            attempts = self.service.policy_for(self.incident_id).channels.settings.attempts
            self.sender = Sender(retry=RetryPolicy(attempts=attempts))
        try:
            flush(self.service, self.incident_id, self.actor, self.sender)
            self.last_error = ""
        except Exception as exc:  # a screen's helper thread must outlive any failure
            self.last_error = getattr(exc, "message", "") or type(exc).__name__
        self.runs += 1
