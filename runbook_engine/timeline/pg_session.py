"""One connection to the team store's server, and running reads and writes on it through drops.

A read runs in one REPEATABLE READ snapshot and gets one more try on a fresh connection; a write
reconnects with backoff and runs again (its event id makes that safe), then says plainly whether
the event was recorded, was not, or cannot be known until the server is back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from runbook_engine.errors import StoreUnavailable
from runbook_engine.timeline.pg_db import connect, connect_with_backoff, server_errors, unavailable

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[object, ...]]

R = TypeVar("R")


class PgSession:
    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: Connection | None = connect(url)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def read(self, read: Callable[[Connection], R]) -> R:
        """One snapshot for head and rows; after a lost connection, one more try on a new one."""

        def snapshot(conn: Connection) -> R:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return read(conn)

        try:
            return self.transaction(snapshot)
        except StoreUnavailable:
            self._reconnect(connect)
        return self.transaction(snapshot)

    def write(self, attempt: Callable[[Connection], R]) -> R:
        """Run `attempt` in a transaction; after a lost connection, reconnect and run it again
        (the caller's event id tells whether the first try was committed after all)."""
        reached_commit: list[bool] = []

        def marked(conn: Connection) -> R:
            result = attempt(conn)
            reached_commit.append(True)  # what fails from here on is the COMMIT itself
            return result

        try:
            return self.transaction(marked)
        except StoreUnavailable:
            pass
        try:
            self._reconnect(connect_with_backoff)
            return self.transaction(marked)
        except StoreUnavailable as exc:
            raise _not_recorded(exc, in_doubt=bool(reached_commit)) from None

    def transaction(self, attempt: Callable[[Connection], R]) -> R:
        with self._session() as conn, conn.transaction():
            return attempt(conn)

    def _reconnect(self, how: Callable[[str], Connection]) -> None:
        self.close()
        self._conn = how(self.url)

    @contextmanager
    def _session(self) -> Iterator[Connection]:
        """The connection, outside a transaction; a lost connection is dropped and reported."""
        import psycopg

        try:
            with server_errors(self.url):
                if self._conn is None or self._conn.closed:
                    self._conn = connect(self.url)
                yield self._conn
        except StoreUnavailable:
            self.close()
            raise
        except psycopg.OperationalError as exc:  # pragma: no cover - server_errors maps these
            self.close()
            raise unavailable(self.url, exc) from None


def _not_recorded(exc: StoreUnavailable, *, in_doubt: bool) -> StoreUnavailable:
    """Say plainly whether the event is in the timeline: never shown as posted when it is not."""
    if in_doubt:
        return StoreUnavailable(
            f"{exc.message}; the connection dropped while recording, so it may or may not be in the timeline",
            "look at the timeline once the store is back before doing it again",
        )
    hint = "nothing was written; do it again once it is back"
    return StoreUnavailable(f"not recorded: {exc.message}", hint)
