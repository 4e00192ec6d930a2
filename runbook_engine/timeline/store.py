"""Durable incident timelines: the `Store` interface and its SQLite implementation (one file, WAL).

Every append runs read-fold-check-insert inside one `BEGIN IMMEDIATE` transaction, so the rules
see exactly the state the event lands on: two terminals racing cannot both start a change. With
`synchronous=FULL` an append is on disk once it returns; a crash leaves no half event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from runbook_engine.errors import InputError, StoreUnavailable
from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline.chain import (
    RawRow,
    StoreCheck,
    VerifyReport,
    parse_row,
    seal,
    stored_row,
    verified_events,
)
from runbook_engine.timeline.doorbell import Doorbell, PollingDoorbell
from runbook_engine.timeline.events import (
    GENESIS_HASH,
    Event,
    NewEvent,
    format_incident_id,
    incident_id_prefix,
    iso_utc,
    parse_incident_id,
    parse_utc,
)
from runbook_engine.timeline.payloads import validate_payload
from runbook_engine.timeline.refusal import Refusal, refuse_if
from runbook_engine.timeline.snapshot_cache import PrivateSnapshots
from runbook_engine.timeline.sqlite_db import (
    connect,
    missing_triggers,
    orphaned_incidents,
    store_errors,
    store_log,
)
from runbook_engine.timeline.state import IncidentState, apply, fold

P = ParamSpec("P")
R = TypeVar("R")
StoreT = TypeVar("StoreT", bound="Store")
AppendCheck = Callable[[IncidentState, NewEvent], "Refusal | None"]
EventSource = NewEvent | Callable[[IncidentState], NewEvent]
"""A ready event, or a builder called with the current state inside the transaction (for ids)."""


@frozen
class IncidentSummary:
    """One incident as a listing shows it: title, severity, phase, times and event count."""

    incident_id: str
    title: str
    severity: str
    phase: str
    opened_at: datetime | None
    last_event_at: datetime | None
    events_count: int


class Store(Protocol):
    """What the engine needs from a timeline store: SqliteStore here, PostgresStore in pg_store."""

    policy: Policy

    def create_incident(self, new_event: NewEvent, at: datetime) -> Event: ...

    def append(self, incident_id: str, new_event: EventSource, at: datetime, check: AppendCheck) -> Event: ...

    def append_many(
        self, incident_id: str, new_events: Sequence[EventSource], at: datetime, check: AppendCheck
    ) -> list[Event]:
        """Append several events in ONE transaction, all or none: each is checked against the state
        the ones before it made, and a refusal of any leaves the timeline as it was."""
        ...

    def events(self, incident_id: str, after_seq: int = 0, until_seq: int | None = None) -> list[Event]: ...

    def state(self, incident_id: str) -> IncidentState: ...

    def incidents(self) -> list[IncidentSummary]: ...

    def verify(self, incident_id: str, anchor: tuple[int, str] | None = None) -> VerifyReport:
        """The chain checked against itself, the recorded head and an `anchor` kept outside the
        store; an incident whose events exist without its incident record fails too."""
        ...

    def verified_events(
        self, incident_id: str, anchor: tuple[int, str] | None = None
    ) -> tuple[VerifyReport, list[Event]]:
        """`verify` and the events it read, in one read: the events up to the break, if any."""
        ...

    def check_store(self) -> StoreCheck:
        """Store-wide checks: append-only guards in place, no events without an incident record,
        and what the store repaired by itself."""
        ...

    def doorbell(self) -> Doorbell:
        """Something to wait on for appends by anyone (a new one for each reader)."""
        ...

    def login(self) -> str | None:
        """The database login the store records on each event as the account (the team store),
        or None where the OS account is the identity (SQLite). Identity resolution starts here."""
        ...

    def adopt(self, events: Sequence[Event]) -> None:
        """Add an incident from another store exactly as recorded (ids, times, actors, hashes);
        InputError when its id, or its number of the day, is taken here."""
        ...

    def close(self) -> None: ...

    def __enter__(self: StoreT) -> StoreT: ...

    def __exit__(self, *exc: object) -> None: ...


_COLUMNS = "seq, type, at, actor, payload, prev_hash, hash"


def _locked(method: Callable[Concatenate[SqliteStore, P], R]) -> Callable[Concatenate[SqliteStore, P], R]:
    """Serialise a store method (one connection may be shared by a screen and a worker thread),
    and turn any sqlite3 error inside it into an InputError a person can act on."""

    def locked(self: SqliteStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock, store_errors(self.path):
            return method(self, *args, **kwargs)

    locked.__doc__, locked.__name__ = method.__doc__, method.__name__
    return locked


class SqliteStore:
    """A `Store` in one SQLite file, safe for many processes on one machine."""

    def __init__(self, path: str | Path, policy: Policy | None = None) -> None:
        self.path = Path(path)
        self.policy = policy if policy is not None else load_policy()
        self._cache: dict[str, IncidentState] = {}
        self._db = connect(self.path)
        self._snapshots = PrivateSnapshots(f"sqlite:{self.path.resolve()}", self.policy)
        self._lock = threading.RLock()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_locked
    def close(self) -> None:
        self._db.close()
        self._snapshots.close()

    def doorbell(self) -> Doorbell:
        """SQLite cannot ring: readers look again every half second."""
        return PollingDoorbell()

    def login(self) -> str | None:
        return None

    @_locked
    def create_incident(self, new_event: NewEvent, at: datetime) -> Event:
        """Open a new incident (id `INC-YYYYMMDD-NNNN`, or `DEMO-...`) whose first event is `new_event`."""
        validate_payload(new_event)
        day, prefix = at.strftime("%Y%m%d"), incident_id_prefix(new_event)
        with self._immediate():
            (number,) = self._db.execute(  # one counter a day whatever the prefix: (day, number) is unique
                "SELECT COALESCE(MAX(number), 0) + 1 FROM incidents WHERE day = ?", (day,)
            ).fetchone()
            incident_id = format_incident_id(prefix, day, number)
            event = seal(incident_id, 1, GENESIS_HASH, new_event, at)
            self._db.execute(
                "INSERT INTO incidents VALUES (?, ?, ?, ?, ?, ?)",
                (incident_id, day, number, iso_utc(at), 1, event.hash),
            )
            self._insert(event)
        self._cache[incident_id] = apply(IncidentState(), event, self.policy)
        return event

    def append(self, incident_id: str, new_event: EventSource, at: datetime, check: AppendCheck) -> Event:
        """Fold, check and insert in one transaction; raises `Refused` when `check` refuses."""
        return self.append_many(incident_id, [new_event], at, check)[0]

    @_locked
    def append_many(
        self, incident_id: str, new_events: Sequence[EventSource], at: datetime, check: AppendCheck
    ) -> list[Event]:
        """Fold, then check and insert each event in one transaction (one fsync): all or none."""
        if not new_events:
            return []
        for new_event in new_events:
            if isinstance(new_event, NewEvent):
                validate_payload(new_event)
        with self._immediate():
            state, landed = self._insert_all(incident_id, new_events, at, check)
        self._cache[incident_id] = state
        self._snapshots.offer(state)  # committed: now it may become a snapshot
        return landed

    def _insert_all(
        self, incident_id: str, new_events: Sequence[EventSource], at: datetime, check: AppendCheck
    ) -> tuple[IncidentState, list[Event]]:
        """Inside the write transaction: each event checked on the state the ones before made."""
        state = self._current(incident_id)
        landed: list[Event] = []
        for new_event in new_events:
            event = seal(incident_id, state.last_seq + 1, state.last_hash, ready(new_event, state, check), at)
            self._insert(event)
            landed.append(event)
            state = apply(state, event, self.policy)
        self._db.execute(
            "UPDATE incidents SET head_seq = ?, head_hash = ? WHERE incident_id = ?",
            (state.last_seq, state.last_hash, incident_id),
        )
        return state, landed

    @_locked
    def adopt(self, events: Sequence[Event]) -> None:
        """Add an incident from another store exactly as recorded (ids, times, actors, hashes)."""
        first, last = events[0], events[-1]
        _, day, number = parse_incident_id(first.incident_id)
        with self._immediate():
            taken = self._db.execute(
                "SELECT incident_id FROM incidents WHERE incident_id = ? OR (day = ? AND number = ?)",
                (first.incident_id, day, number),
            ).fetchone()
            if taken is not None:
                raise InputError(
                    f"{first.incident_id} cannot be copied: {taken[0]} is number {number} of {day} here"
                )
            self._db.execute(
                "INSERT INTO incidents VALUES (?, ?, ?, ?, ?, ?)",
                (first.incident_id, day, number, iso_utc(first.at), last.seq, last.hash),
            )
            for event in events:
                self._insert(event)

    @_locked
    def events(self, incident_id: str, after_seq: int = 0, until_seq: int | None = None) -> list[Event]:
        """Events after `after_seq` (up to `until_seq`) in order; an unreadable row raises InputError."""
        self._head(incident_id)
        rows = self._rows(incident_id, after_seq)
        return [self._parse(incident_id, row) for row in rows if until_seq is None or row.seq <= until_seq]

    @_locked
    def state(self, incident_id: str) -> IncidentState:
        """The folded state (cached per store; only new events are folded on each call)."""
        with self._reading():
            return self._current(incident_id)

    @_locked
    def incidents(self) -> list[IncidentSummary]:
        """Every incident, oldest first; one whose timeline cannot be read shows as `unreadable`,
        and events whose incident record was deleted show as an `orphaned` incident at the end."""
        rows = self._db.execute("SELECT incident_id, created_at FROM incidents ORDER BY rowid")
        found = [(str(incident_id), str(created)) for incident_id, created in rows.fetchall()]
        orphans = orphaned_incidents(self._db)
        summaries = [summary_of(self.state, incident_id, created) for incident_id, created in found]
        return summaries + [IncidentSummary(orphan, "", "", "orphaned", None, None, 0) for orphan in orphans]

    def verify(self, incident_id: str, anchor: tuple[int, str] | None = None) -> VerifyReport:
        return self.verified_events(incident_id, anchor)[0]

    @_locked
    def verified_events(
        self, incident_id: str, anchor: tuple[int, str] | None = None
    ) -> tuple[VerifyReport, list[Event]]:
        with self._reading():
            if self._is_orphan(incident_id):
                chain, events = verified_events(incident_id, self._rows(incident_id, 0), None, anchor)
                reason = "its events remain but its incident record was deleted"
                return VerifyReport(False, chain.first_bad_seq or 1, reason, chain.events_checked), events
            head = self._head(incident_id)
            return verified_events(incident_id, self._rows(incident_id, 0), head, anchor)

    @_locked
    def check_store(self) -> StoreCheck:
        with self._reading():
            problems = [f"append-only trigger {name} is missing" for name in missing_triggers(self._db)]
            problems += [f"{orphan}: events without an incident record (deleted by hand?)"
                         for orphan in orphaned_incidents(self._db)]
            return StoreCheck(tuple(problems), tuple(store_log(self._db)))

    def _current(self, incident_id: str) -> IncidentState:
        """The state at the stored head: the cache plus any events other processes appended."""
        head_seq, head_hash = self._head(incident_id)
        cached = self._cache.get(incident_id)
        if cached is not None and (cached.last_seq, cached.last_hash) == (head_seq, head_hash):
            return cached
        if cached is None or cached.last_seq > head_seq or not self._still_has(cached):
            cached = self._snapshots.resume(incident_id, head_seq, partial(self._hash_at, incident_id))
        after = cached.last_seq if cached else 0
        try:
            state = fold(self.events(incident_id, after), self.policy, cached)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"an event does not fit its type ({exc})") from None
        self._cache[incident_id] = state
        self._snapshots.offer(state)
        return state

    def _still_has(self, state: IncidentState) -> bool:
        return self._hash_at(state.incident_id, state.last_seq) == state.last_hash

    def _is_orphan(self, incident_id: str) -> bool:
        """Events of this incident remain but its record was deleted (asked of this incident
        only: the store-wide question scans every event of every incident)."""
        recorded = self._db.execute("SELECT 1 FROM incidents WHERE incident_id = ?", (incident_id,))
        if recorded.fetchone() is not None:
            return False
        events = self._db.execute("SELECT 1 FROM events WHERE incident_id = ? LIMIT 1", (incident_id,))
        return events.fetchone() is not None

    def _hash_at(self, incident_id: str, seq: int) -> str | None:
        row = self._db.execute(
            "SELECT hash FROM events WHERE incident_id = ? AND seq = ?", (incident_id, seq)
        ).fetchone()
        return None if row is None else str(row[0])

    def _head(self, incident_id: str) -> tuple[int, str]:
        row = self._db.execute(
            "SELECT head_seq, head_hash FROM incidents WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"no incident {incident_id} in {self.path}", "list them: runbook incident list")
        return int(row[0]), str(row[1])

    def _parse(self, incident_id: str, row: RawRow) -> Event:
        try:
            return parse_row(incident_id, row)
        except (KeyError, ValueError, TypeError) as exc:
            raise unreadable(incident_id, f"seq {row.seq} cannot be read ({exc})") from None

    def _rows(self, incident_id: str, after_seq: int) -> Iterator[RawRow]:
        cursor = self._db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq",  # noqa: S608
            (incident_id, after_seq),
        )
        for row in cursor:
            yield RawRow(*row)

    def _insert(self, event: Event) -> None:
        row = (event.incident_id, *stored_row(event))
        self._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction: the lock is taken up front so the fold cannot go stale."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A read transaction, so head and rows come from one snapshot."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                self._db.execute("COMMIT")


def summary_of(
    state_of: Callable[[str], IncidentState], incident_id: str, created_at: str
) -> IncidentSummary:
    """The summary of one incident; one whose timeline cannot be read shows as `unreadable`."""
    try:
        return _summary(state_of(incident_id))
    except StoreUnavailable:
        raise
    except InputError:
        return IncidentSummary(incident_id, "", "", "unreadable", parse_utc(created_at), None, 0)


def unreadable(incident_id: str, detail: str) -> InputError:
    return InputError(
        f"the timeline of {incident_id} is damaged: {detail}",
        f"run: runbook timeline verify {incident_id}; to keep working, carry it on from its last good "
        f"event: runbook timeline continue {incident_id} --reason TEXT (docs/timeline.md)",
    )


def ready(new_event: EventSource, state: IncidentState, check: AppendCheck) -> NewEvent:
    """The event to append on `state`: built (and its payload checked) when it is a builder,
    then put to `check`; raises `Refused` when the check refuses."""
    event = new_event if isinstance(new_event, NewEvent) else new_event(state)
    if event is not new_event:
        validate_payload(event)
    refuse_if(check(state, event))
    return event


def _summary(state: IncidentState) -> IncidentSummary:
    return IncidentSummary(
        incident_id=state.incident_id,
        title=state.title,
        severity=state.severity,
        phase=state.phase,
        opened_at=state.opened_at,
        last_event_at=state.last_event_at,
        events_count=state.events_count,
    )
