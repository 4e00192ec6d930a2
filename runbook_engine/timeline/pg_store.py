"""The team store: incident timelines in PostgreSQL, behind the same `Store` interface as SQLite.

An append runs read-fold-check-insert in one transaction holding an advisory lock on the incident,
so the rules see exactly the state the event lands on. Each append carries a client-made event id
(unique in the store): when the connection drops mid-append, the retry finds the event if it was
committed and never appends it twice. The actor's `account` is the server's `session_user`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from runbook_engine.errors import InputError, StoreUnavailable
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.chain import RawRow, VerifyReport, parse_row, seal, verify_rows
from runbook_engine.timeline.doorbell import Doorbell, NotifyDoorbell
from runbook_engine.timeline.events import (
    GENESIS_HASH,
    Actor,
    Event,
    NewEvent,
    canonical_json,
    format_incident_id,
    incident_id_prefix,
    iso_utc,
)
from runbook_engine.timeline.payloads import validate_payload
from runbook_engine.timeline.pg_db import (
    connect,
    connect_with_backoff,
    describe,
    server_errors,
    unavailable,
)
from runbook_engine.timeline.pg_schema import current_version, latest_version
from runbook_engine.timeline.refusal import refuse_if
from runbook_engine.timeline.state import IncidentState, apply, fold
from runbook_engine.timeline.store import AppendCheck, EventSource, IncidentSummary, summary_of, unreadable

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[object, ...]]

P = ParamSpec("P")
R = TypeVar("R")
INCIDENT_LOCK = 0x52424B
"""The first key of the advisory lock an append holds on its incident (the second: its id's hash)."""
_COLUMNS = "seq, type, at, actor, payload, prev_hash, hash"


def _locked(method: Callable[Concatenate[PostgresStore, P], R]) -> Callable[Concatenate[PostgresStore, P], R]:
    """Serialise a store method: one connection may be shared by a screen and a worker thread."""

    def locked(self: PostgresStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    locked.__doc__, locked.__name__ = method.__doc__, method.__name__
    return locked


class PostgresStore:
    """A `Store` in a PostgreSQL database made by `runbook store init`, shared by a whole team."""

    def __init__(self, url: str, policy: Policy | None = None) -> None:
        self.url = url
        self.path = describe(url)
        self.policy = policy if policy is not None else load_policy()
        self._cache: dict[str, IncidentState] = {}
        self._lock = threading.RLock()
        self._conn: Connection | None = connect(url)
        try:
            self.login = self._check_schema()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self) -> str:
        with self._session() as conn:
            version = current_version(conn)
            row = conn.execute("SELECT session_user").fetchone()
        if version < latest_version():
            raise InputError(
                f"the database at {self.path} holds no current incident store (schema {version},"
                f" this runbook-engine needs {latest_version()})",
                "as the database's owner run: runbook store init URL",
            )
        return str(row[0]) if row else ""

    @_locked
    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def doorbell(self) -> Doorbell:
        """Rings (LISTEN/NOTIFY) when anyone appends to any incident of this store."""
        return NotifyDoorbell(self.url)

    @_locked
    def create_incident(self, new_event: NewEvent, at: datetime) -> Event:
        """Open a new incident (id `INC-YYYYMMDD-NNNN`, or `DEMO-...`) whose first event is `new_event`."""
        validate_payload(new_event)
        event_id, day, prefix = uuid.uuid4(), at.strftime("%Y%m%d"), incident_id_prefix(new_event)

        def attempt(conn: Connection) -> Event:
            found = self._event_by_id(conn, event_id)
            if found is not None:
                return found
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (INCIDENT_LOCK, day))
            row = conn.execute(  # one counter a day whatever the prefix, as in SQLite
                "SELECT COALESCE(MAX(number), 0) + 1 FROM runbook.incidents WHERE day = %s", (day,)
            ).fetchone()
            number = int(str(row[0])) if row else 1
            incident_id = format_incident_id(prefix, day, number)
            event = seal(incident_id, 1, GENESIS_HASH, self._as_login(new_event), at)
            conn.execute(
                "INSERT INTO runbook.incidents VALUES (%s, %s, %s, %s, 0, %s)",
                (incident_id, day, number, iso_utc(at), GENESIS_HASH),
            )
            self._insert(conn, event, event_id)
            return event

        event = self._writing(attempt)
        self._cache[event.incident_id] = apply(IncidentState(), event, self.policy)
        return event

    @_locked
    def append(self, incident_id: str, new_event: EventSource, at: datetime, check: AppendCheck) -> Event:
        """Fold, check and insert in one transaction; raises `Refused` when `check` refuses."""
        if isinstance(new_event, NewEvent):
            validate_payload(new_event)
        event_id = uuid.uuid4()
        landed: list[IncidentState] = []

        def attempt(conn: Connection) -> Event:
            found = self._event_by_id(conn, event_id)
            if found is not None:  # the last try committed before its connection dropped
                return found
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (INCIDENT_LOCK, incident_id))
            state = self._current(conn, incident_id)
            ready = new_event if isinstance(new_event, NewEvent) else new_event(state)
            if ready is not new_event:
                validate_payload(ready)
            refuse_if(check(state, ready))
            event = seal(incident_id, state.last_seq + 1, state.last_hash, self._as_login(ready), at)
            self._insert(conn, event, event_id)
            landed.append(state)
            return event

        event = self._writing(attempt)
        if landed and landed[-1].last_seq + 1 == event.seq:
            self._cache[incident_id] = apply(landed[-1], event, self.policy)
        return event

    @_locked
    def events(self, incident_id: str, after_seq: int = 0) -> list[Event]:
        """Events after `after_seq` in order; a row that cannot be parsed raises InputError."""

        def read(conn: Connection) -> list[Event]:
            self._head(conn, incident_id)
            return [self._parse(incident_id, row) for row in self._rows(conn, incident_id, after_seq)]

        return self._reading(read)

    @_locked
    def state(self, incident_id: str) -> IncidentState:
        """The folded state (cached per store; only new events are folded on each call)."""
        return self._reading(lambda conn: self._current(conn, incident_id))

    @_locked
    def incidents(self) -> list[IncidentSummary]:
        """Every incident, oldest first; one whose timeline cannot be read shows as `unreadable`."""

        def read(conn: Connection) -> list[tuple[str, str]]:
            rows = conn.execute("SELECT incident_id, created_at FROM runbook.incidents ORDER BY day, number")
            return [(str(incident_id), str(created)) for incident_id, created in rows.fetchall()]

        return [summary_of(self.state, incident, created) for incident, created in self._reading(read)]

    @_locked
    def verify(self, incident_id: str) -> VerifyReport:
        def read(conn: Connection) -> VerifyReport:
            head = self._head(conn, incident_id)
            return verify_rows(incident_id, self._rows(conn, incident_id, 0), head)

        return self._reading(read)

    # -- inside a transaction --------------------------------------------------------------------

    def _as_login(self, new_event: NewEvent) -> NewEvent:
        """The event as this login records it: the server's word for who is connected."""
        actor = Actor(new_event.actor.name, self.login, new_event.actor.host)
        return NewEvent(new_event.type, actor, new_event.payload)

    def _current(self, conn: Connection, incident_id: str) -> IncidentState:
        """The state at the stored head: the cache plus any events others appended."""
        head = self._head(conn, incident_id)
        cached = self._cache.get(incident_id)
        if cached is not None and (cached.last_seq, cached.last_hash) == head:
            return cached
        if cached is not None and (cached.last_seq > head[0] or not self._still_has(conn, cached)):
            cached = None
        after = cached.last_seq if cached else 0
        rows = self._rows(conn, incident_id, after)
        try:
            state = fold([self._parse(incident_id, row) for row in rows], self.policy, cached)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"an event does not fit its type ({exc})") from None
        self._cache[incident_id] = state
        return state

    def _still_has(self, conn: Connection, state: IncidentState) -> bool:
        row = conn.execute(
            "SELECT hash FROM runbook.events WHERE incident_id = %s AND seq = %s",
            (state.incident_id, state.last_seq),
        ).fetchone()
        return row is not None and row[0] == state.last_hash

    def _head(self, conn: Connection, incident_id: str) -> tuple[int, str]:
        row = conn.execute(
            "SELECT head_seq, head_hash FROM runbook.incidents WHERE incident_id = %s", (incident_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"no incident {incident_id} in {self.path}", "list them: runbook incident list")
        return int(str(row[0])), str(row[1])

    def _parse(self, incident_id: str, row: RawRow) -> Event:
        try:
            return parse_row(incident_id, row)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"seq {row.seq} cannot be read ({exc})") from None

    def _rows(self, conn: Connection, incident_id: str, after: int) -> list[RawRow]:
        cursor = conn.execute(
            f"SELECT {_COLUMNS} FROM runbook.events WHERE incident_id = %s AND seq > %s ORDER BY seq",  # noqa: S608
            (incident_id, after),
        )
        return [RawRow(int(str(seq)), *(str(value) for value in rest)) for seq, *rest in cursor]

    def _event_by_id(self, conn: Connection, event_id: uuid.UUID) -> Event | None:
        row = conn.execute(
            f"SELECT incident_id, {_COLUMNS} FROM runbook.events WHERE event_id = %s",  # noqa: S608
            (event_id,),
        ).fetchone()
        if row is None:
            return None
        incident_id, seq, *rest = row
        return self._parse(str(incident_id), RawRow(int(str(seq)), *(str(value) for value in rest)))

    def _insert(self, conn: Connection, event: Event, event_id: uuid.UUID) -> None:
        conn.execute(
            "INSERT INTO runbook.events"
            " (incident_id, seq, event_id, type, at, actor, payload, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                event.incident_id,
                event.seq,
                event_id,
                event.type.value,
                iso_utc(event.at),
                canonical_json(event.actor.to_dict()),
                canonical_json(dict(event.payload)),
                event.prev_hash,
                event.hash,
            ),
        )

    # -- connections -----------------------------------------------------------------------------

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.url)
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    @contextmanager
    def _session(self) -> Iterator[Connection]:
        """The connection, outside a transaction; a lost connection is dropped and reported."""
        import psycopg

        try:
            with server_errors(self.url):
                yield self._connection()
        except StoreUnavailable:
            self._drop_connection()
            raise
        except psycopg.OperationalError as exc:  # pragma: no cover - server_errors maps these
            self._drop_connection()
            raise unavailable(self.url, exc) from None

    def _reading(self, read: Callable[[Connection], R]) -> R:
        """One snapshot for head and rows; after a lost connection, one more try on a new one."""

        def snapshot(conn: Connection) -> R:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return read(conn)

        try:
            return self._transaction(snapshot)
        except StoreUnavailable:
            self._drop_connection()
            self._conn = connect(self.url)
        return self._transaction(snapshot)

    def _writing(self, attempt: Callable[[Connection], Event]) -> Event:
        """Run `attempt` in a transaction; after a lost connection, reconnect and run it again
        (the event id tells whether the first try was committed after all)."""
        committing: list[bool] = []

        def marked(conn: Connection) -> Event:
            committing.clear()
            event = attempt(conn)
            committing.append(True)  # what fails from here on is the COMMIT itself
            return event

        try:
            return self._transaction(marked)
        except StoreUnavailable:
            pass
        try:
            self._drop_connection()
            self._conn = connect_with_backoff(self.url)
            return self._transaction(marked)
        except StoreUnavailable as exc:
            raise _not_recorded(exc, in_doubt=bool(committing)) from None

    def _transaction(self, attempt: Callable[[Connection], R]) -> R:
        with self._session() as conn, conn.transaction():
            return attempt(conn)


def _not_recorded(exc: StoreUnavailable, *, in_doubt: bool) -> StoreUnavailable:
    """Say plainly whether the event is in the timeline: never shown as posted when it is not."""
    if in_doubt:
        return StoreUnavailable(
            f"{exc.message}; the connection dropped while recording, so it may or may not be in the timeline",
            "look at the timeline once the store is back before doing it again",
        )
    hint = "nothing was written; do it again once it is back"
    return StoreUnavailable(f"not recorded: {exc.message}", hint)
