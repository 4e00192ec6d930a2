"""The team store's rows: taken as psycopg gives them when the columns have the stored types."""

from __future__ import annotations

from decimal import Decimal

from runbook_engine.timeline.chain import RawRow
from runbook_engine.timeline.pg_rows import _as_stored, _raw

STORED = (7, "note", "2026-01-01T00:00:00.000000+00:00", "{}", "{}", "a" * 64, "b" * 64)


def test_a_row_of_the_stored_types_is_taken_as_it_is() -> None:
    assert _as_stored(STORED) and RawRow._make(STORED) == RawRow(*STORED)


def test_other_column_types_are_converted() -> None:
    """As a loader registered for numeric or json would give them."""
    other = (Decimal(7), "note", STORED[2], {"a": 1}, "{}", STORED[5], STORED[6])
    assert not _as_stored(other)
    assert _raw(other) == RawRow(7, "note", STORED[2], "{'a': 1}", "{}", STORED[5], STORED[6])
