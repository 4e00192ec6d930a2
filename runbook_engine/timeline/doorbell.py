"""Waking readers when a timeline grows: polling for SQLite, LISTEN/NOTIFY for PostgreSQL.

A doorbell carries no data: whoever wakes fetches `seq > last_seen` from the store itself, so a
lost, doubled or late ring can never skip an event or show one twice.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from runbook_engine.errors import StoreUnavailable
from runbook_engine.timeline.pg_db import connect

if TYPE_CHECKING:
    import psycopg

CHANNEL = "runbook_events"
"""The channel the server's insert trigger notifies (see migrations/0002_append_only.sql)."""
POLL_S = 0.5
MAX_BACKOFF_S = 5.0


class Doorbell(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until something may have changed (True) or `timeout` seconds pass (False)."""
        ...

    def close(self) -> None: ...


class PollingDoorbell:
    """No server to ring: look again every `interval` seconds (the SQLite store)."""

    def __init__(self, interval: float = POLL_S) -> None:
        self.interval = max(0.01, interval)

    def wait(self, timeout: float) -> bool:
        time.sleep(max(0.0, min(timeout, self.interval)))
        return True

    def close(self) -> None:
        pass


class NotifyDoorbell:
    """LISTEN on its own autocommit connection; after a drop, reconnect with backoff and ring once
    (the reader catches up on what was appended while nobody listened)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._backoff = 0.0

    def wait(self, timeout: float) -> bool:
        import psycopg

        if self._conn is None:
            return self._listen(timeout)
        try:
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                return True
        except psycopg.OperationalError:
            self.close()
            return True
        return False

    def _listen(self, timeout: float) -> bool:
        """Start listening; True either way, since events may have landed while nobody listened."""
        import psycopg

        conn = None
        try:
            conn = connect(self.url)
            conn.execute(f"LISTEN {CHANNEL}")
        except (StoreUnavailable, psycopg.OperationalError):
            if conn is not None:
                conn.close()
            self._backoff = min(MAX_BACKOFF_S, max(0.1, self._backoff * 2))
            time.sleep(min(timeout, self._backoff))
            return True
        self._conn, self._backoff = conn, 0.0
        return True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
