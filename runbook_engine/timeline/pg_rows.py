"""The team store's rows on one connection: heads, events, snapshots (SQL only, no decisions)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from runbook_engine.timeline.chain import RawRow, stored_row
from runbook_engine.timeline.events import Event

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[object, ...]]

COLUMNS = "seq, type, at, actor, payload, prev_hash, hash"


def head(conn: Connection, incident_id: str) -> tuple[int, str] | None:
    row = conn.execute(
        "SELECT head_seq, head_hash FROM runbook.incidents WHERE incident_id = %s", (incident_id,)
    ).fetchone()
    return None if row is None else (int(str(row[0])), str(row[1]))


def rows(conn: Connection, incident_id: str, after: int) -> list[RawRow]:
    cursor = conn.execute(
        f"SELECT {COLUMNS} FROM runbook.events WHERE incident_id = %s AND seq > %s ORDER BY seq",  # noqa: S608
        (incident_id, after),
    )
    found = cursor.fetchall()
    if found and _as_stored(found[0]):  # one loader per column: as the first row, so all
        return [RawRow._make(row) for row in found]
    return [_raw(row) for row in found]


def hash_at(conn: Connection, incident_id: str, seq: int) -> str | None:
    row = conn.execute(
        "SELECT hash FROM runbook.events WHERE incident_id = %s AND seq = %s", (incident_id, seq)
    ).fetchone()
    return None if row is None else str(row[0])


def by_event_id(conn: Connection, event_id: uuid.UUID) -> tuple[str, RawRow] | None:
    """The incident and row of the event with this client-made id, if it was committed."""
    row = conn.execute(
        f"SELECT incident_id, {COLUMNS} FROM runbook.events WHERE event_id = %s",  # noqa: S608
        (event_id,),
    ).fetchone()
    return None if row is None else (str(row[0]), _raw(row[1:]))


def insert(conn: Connection, event: Event, event_id: uuid.UUID) -> None:
    """One event, in the texts it was hashed in; the server stamps the login and moves the head."""
    seq, *texts = stored_row(event)
    conn.execute(
        "INSERT INTO runbook.events"
        " (incident_id, seq, event_id, type, at, actor, payload, prev_hash, hash)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (event.incident_id, seq, event_id, *texts),
    )


def taken_number(conn: Connection, incident_id: str, day: str, number: int) -> str | None:
    """The incident that already has this id, or this number of the day."""
    row = conn.execute(
        "SELECT incident_id FROM runbook.incidents WHERE incident_id = %s OR (day = %s AND number = %s)",
        (incident_id, day, number),
    ).fetchone()
    return None if row is None else str(row[0])


def next_number(conn: Connection, day: str) -> int:
    row = conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM runbook.incidents WHERE day = %s", (day,)
    ).fetchone()
    return int(str(row[0])) if row else 1


def orphans(conn: Connection) -> list[str]:
    """Incidents with events but no incident record (the foreign key forbids it; checked anyway)."""
    found = conn.execute(
        "SELECT DISTINCT e.incident_id FROM runbook.events e"
        " LEFT JOIN runbook.incidents i ON i.incident_id = e.incident_id WHERE i.incident_id IS NULL"
    )
    return [str(row[0]) for row in found]


def _as_stored(row: tuple[object, ...]) -> bool:
    """Whether psycopg gave the columns as the int and texts a RawRow holds (it does for the
    schema's bigint and text columns; anything else is converted row by row)."""
    return type(row[0]) is int and all(type(value) is str for value in row[1:])


def _raw(row: tuple[object, ...]) -> RawRow:
    seq, *rest = row
    return RawRow(int(str(seq)), *(str(value) for value in rest))
