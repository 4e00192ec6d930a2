"""The team store: incident timelines in PostgreSQL, behind the same `Store` interface as SQLite.

An append runs read-fold-check-insert in one transaction holding an advisory lock on the incident,
so the rules see exactly the state the event lands on. Each append carries a client-made event id
(unique in the store): when the connection drops mid-append, the retry finds the event if it was
committed and never appends it twice. The actor's `account` is the server's `session_user`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from runbook_engine.errors import InputError
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline import pg_check, pg_rows
from runbook_engine.timeline.chain import RawRow, StoreCheck, VerifyReport, parse_row, seal, verified_events
from runbook_engine.timeline.doorbell import Doorbell, NotifyDoorbell
from runbook_engine.timeline.events import (
    GENESIS_HASH,
    Actor,
    Event,
    NewEvent,
    format_incident_id,
    incident_id_prefix,
    iso_utc,
    parse_incident_id,
)
from runbook_engine.timeline.payloads import validate_payload
from runbook_engine.timeline.pg_db import describe
from runbook_engine.timeline.pg_schema import current_version, latest_version
from runbook_engine.timeline.pg_session import PgSession
from runbook_engine.timeline.snapshot_cache import PrivateSnapshots
from runbook_engine.timeline.state import IncidentState, apply, fold
from runbook_engine.timeline.store import (
    AppendCheck,
    EventSource,
    IncidentSummary,
    ready,
    summary_of,
    unreadable,
)

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[object, ...]]

P = ParamSpec("P")
R = TypeVar("R")
INCIDENT_LOCK = 0x52424B
"""The first key of the advisory lock an append holds on its incident (the second: its id's hash)."""


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
        self._snapshots = PrivateSnapshots(f"postgresql:{self.path}", self.policy)
        self._db = PgSession(url)
        try:
            self.session_user = self._db.read(self._check_schema)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_schema(self, conn: Connection) -> str:
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
        self._db.close()
        self._snapshots.close()

    def login(self) -> str | None:
        """The database login (`session_user`): the server's word, recorded on every event."""
        return self.session_user

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
            number = pg_rows.next_number(conn, day)  # one counter a day whatever the prefix, as in SQLite
            incident_id = format_incident_id(prefix, day, number)
            event = seal(incident_id, 1, GENESIS_HASH, self._as_login(new_event), at)
            _insert_incident(conn, incident_id, day, number, at)
            pg_rows.insert(conn, event, event_id)
            return event

        event = self._db.write(attempt)
        self._cache[event.incident_id] = apply(IncidentState(), event, self.policy)
        return event

    def append(self, incident_id: str, new_event: EventSource, at: datetime, check: AppendCheck) -> Event:
        """Fold, check and insert in one transaction; raises `Refused` when `check` refuses."""
        return self.append_many(incident_id, [new_event], at, check)[0]

    @_locked
    def append_many(
        self, incident_id: str, new_events: Sequence[EventSource], at: datetime, check: AppendCheck
    ) -> list[Event]:
        """Fold, then check and insert each event in one transaction: all or none. Each event has
        its own client-made id; a retry after a drop finds the batch if it was committed."""
        if not new_events:
            return []
        for new_event in new_events:
            if isinstance(new_event, NewEvent):
                validate_payload(new_event)
        event_ids = [uuid.uuid4() for _ in new_events]
        landed: list[IncidentState] = []

        def attempt(conn: Connection) -> list[Event]:
            if self._event_by_id(conn, event_ids[0]) is not None:
                # the last try committed (the whole batch: all or none) before its connection dropped
                return [event for event in map(partial(self._event_by_id, conn), event_ids) if event]
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (INCIDENT_LOCK, incident_id))
            batch = zip(new_events, event_ids, strict=True)
            state, events = self._insert_all(conn, incident_id, batch, at, check)
            landed.append(state)
            return events

        events = self._db.write(attempt)
        if events and landed and landed[-1].last_seq == events[-1].seq:
            self._cache[incident_id] = landed[-1]
            self._snapshots.offer(landed[-1])  # committed: now it may become a snapshot
        return events

    @_locked
    def adopt(self, events: Sequence[Event]) -> None:
        """Add an incident from another store exactly as recorded (ids, times, actors, hashes)."""
        first = events[0]
        _, day, number = parse_incident_id(first.incident_id)
        event_ids = [uuid.uuid4() for _ in events]

        def attempt(conn: Connection) -> None:
            if self._event_by_id(conn, event_ids[0]) is not None:
                return  # the last try committed before its connection dropped
            conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (INCIDENT_LOCK, day))
            taken = pg_rows.taken_number(conn, first.incident_id, day, number)
            if taken is not None:
                problem = f"{taken} is number {number} of {day} here"
                raise InputError(f"{first.incident_id} cannot be copied: {problem}")
            _insert_incident(conn, first.incident_id, day, number, first.at)
            for event, event_id in zip(events, event_ids, strict=True):
                pg_rows.insert(conn, event, event_id)

        self._db.write(attempt)

    @_locked
    def check_store(self) -> StoreCheck:
        """The server's own guards of the timeline (its triggers, the runbook role's grants), and
        no events without their incident. The server repairs nothing by itself: no notices."""

        def read(conn: Connection) -> StoreCheck:
            found = [f"{f.topic}: {f.detail} ({f.hint})" for f in pg_check.safeguards(conn) if not f.ok]
            found += [f"{orphan}: events without an incident record" for orphan in pg_rows.orphans(conn)]
            return StoreCheck(tuple(found))

        return self._db.read(read)

    @_locked
    def events(self, incident_id: str, after_seq: int = 0, until_seq: int | None = None) -> list[Event]:
        """Events after `after_seq` (up to `until_seq`) in order; an unreadable row raises InputError."""

        def read(conn: Connection) -> list[Event]:
            self._head(conn, incident_id)
            rows = pg_rows.rows(conn, incident_id, after_seq)
            return [
                self._parse(incident_id, row) for row in rows if until_seq is None or row.seq <= until_seq
            ]

        return self._db.read(read)

    @_locked
    def state(self, incident_id: str) -> IncidentState:
        """The folded state (cached per store; only new events are folded on each call)."""
        return self._db.read(lambda conn: self._current(conn, incident_id))

    @_locked
    def incidents(self) -> list[IncidentSummary]:
        """Every incident, oldest first; one whose timeline cannot be read shows as `unreadable`."""

        def read(conn: Connection) -> list[tuple[str, str]]:
            rows = conn.execute("SELECT incident_id, created_at FROM runbook.incidents ORDER BY day, number")
            return [(str(incident_id), str(created)) for incident_id, created in rows.fetchall()]

        return [summary_of(self.state, incident, created) for incident, created in self._db.read(read)]

    def verify(self, incident_id: str, anchor: tuple[int, str] | None = None) -> VerifyReport:
        """The chain against itself, the head the server moved and an `anchor` kept elsewhere."""
        return self.verified_events(incident_id, anchor)[0]

    @_locked
    def verified_events(
        self, incident_id: str, anchor: tuple[int, str] | None = None
    ) -> tuple[VerifyReport, list[Event]]:
        def read(conn: Connection) -> tuple[VerifyReport, list[Event]]:
            head = self._head(conn, incident_id)
            return verified_events(incident_id, pg_rows.rows(conn, incident_id, 0), head, anchor)

        return self._db.read(read)

    # -- inside a transaction --------------------------------------------------------------------

    def _insert_all(
        self,
        conn: Connection,
        incident_id: str,
        batch: Iterable[tuple[EventSource, uuid.UUID]],
        at: datetime,
        check: AppendCheck,
    ) -> tuple[IncidentState, list[Event]]:
        """Each event checked on the state the ones before it made, sealed and inserted."""
        state = self._current(conn, incident_id)
        events: list[Event] = []
        for new_event, event_id in batch:
            as_login = self._as_login(ready(new_event, state, check))
            event = seal(incident_id, state.last_seq + 1, state.last_hash, as_login, at)
            pg_rows.insert(conn, event, event_id)
            events.append(event)
            state = apply(state, event, self.policy)
        return state, events

    def _as_login(self, new_event: NewEvent) -> NewEvent:
        """The event as this login records it: the server's word for who is connected."""
        actor = Actor(new_event.actor.name, self.session_user, new_event.actor.host)
        return NewEvent(new_event.type, actor, new_event.payload)

    def _current(self, conn: Connection, incident_id: str) -> IncidentState:
        """The state at the stored head: the cache plus any events others appended."""
        head = self._head(conn, incident_id)
        cached = self._cache.get(incident_id)
        if cached is not None and (cached.last_seq, cached.last_hash) == head:
            return cached
        if cached is None or cached.last_seq > head[0] or not self._still_has(conn, cached):
            cached = self._snapshots.resume(incident_id, head[0], partial(pg_rows.hash_at, conn, incident_id))
        after = cached.last_seq if cached else 0
        rows = pg_rows.rows(conn, incident_id, after)
        try:
            state = fold([self._parse(incident_id, row) for row in rows], self.policy, cached)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"an event does not fit its type ({exc})") from None
        self._cache[incident_id] = state
        self._snapshots.offer(state)
        return state

    def _still_has(self, conn: Connection, state: IncidentState) -> bool:
        return pg_rows.hash_at(conn, state.incident_id, state.last_seq) == state.last_hash

    def _head(self, conn: Connection, incident_id: str) -> tuple[int, str]:
        found = pg_rows.head(conn, incident_id)
        if found is None:
            raise InputError(f"no incident {incident_id} in {self.path}", "list them: runbook incident list")
        return found

    def _parse(self, incident_id: str, row: RawRow) -> Event:
        try:
            return parse_row(incident_id, row)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"seq {row.seq} cannot be read ({exc})") from None

    def _event_by_id(self, conn: Connection, event_id: uuid.UUID) -> Event | None:
        found = pg_rows.by_event_id(conn, event_id)
        return None if found is None else self._parse(*found)


def _insert_incident(conn: Connection, incident_id: str, day: str, number: int, at: datetime) -> None:
    """The incident's record, its head at the genesis: the server moves it with each event."""
    conn.execute(
        "INSERT INTO runbook.incidents VALUES (%s, %s, %s, %s, 0, %s)",
        (incident_id, day, number, iso_utc(at), GENESIS_HASH),
    )
