"""Verification hashes a row's stored texts directly when they are canonical: for any event the
engine seals and stores, that shortcut must give exactly the hash `event_hash` gives."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runbook_engine.timeline.chain import (
    RawRow,
    _json_object,
    _texts_are_canonical,
    parse_row,
    seal,
    stored_row,
    verify_rows,
)
from runbook_engine.timeline.events import GENESIS_HASH, Actor, EventType, NewEvent

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
ACTOR = st.builds(Actor, TEXT, TEXT, TEXT)
WHEN = st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(timezone.utc))
Sealed = tuple[EventType, Actor, dict[str, object], datetime]
INCIDENT = st.sampled_from(["INC-20260101-0001", "DEMO-20261128-0042", "ops_2026-01-01-7"])


def _stored(incident: str, seq: int, prev_hash: str, new: NewEvent, at: datetime) -> RawRow:
    """The row as both stores write it."""
    return stored_row(seal(incident, seq, prev_hash, new, at))


@given(
    incident=INCIDENT,
    events=st.lists(
        st.tuples(st.sampled_from(list(EventType)), ACTOR, st.dictionaries(TEXT, JSON, max_size=4), WHEN),
        min_size=1,
        max_size=4,
    ),
)
def test_every_sealed_and_stored_chain_verifies(incident: str, events: list[Sealed]) -> None:
    rows, prev_hash = [], GENESIS_HASH
    for seq, (kind, actor, payload, at) in enumerate(events, start=1):
        row = _stored(incident, seq, prev_hash, NewEvent(kind, actor, payload), at)
        rows.append(row)
        prev_hash = row.hash
    report = verify_rows(incident, rows, (len(rows), prev_hash))
    assert report.ok, report.reason
    parsed = [parse_row(incident, row) for row in rows]
    assert all(_texts_are_canonical(row, event) for row, event in zip(rows, parsed, strict=True))


@pytest.mark.parametrize(
    ("text", "read"),
    [('{"a":[1,"x"]}', {"a": [1, "x"]}), (' {"a": 1}\n', {"a": 1}), ("{}", {})],
)
def test_a_stored_object_reads_as_json_loads_reads_it(text: str, read: dict[str, object]) -> None:
    assert _json_object(text) == read == json.loads(text)


@pytest.mark.parametrize("text", ['{"a":1} x', '{"a":1}{}', "[1]", '"a"', "", "{not json", '{"a":1'])
def test_anything_else_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        _json_object(text)
