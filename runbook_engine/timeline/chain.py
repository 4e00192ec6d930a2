"""The hash chain: sealing a new event onto the chain and verifying a stored sequence (pure).

Each event's hash covers the previous event's hash and every field of the event, so editing,
deleting, inserting or reordering stored events breaks the chain at the first altered position.
The chain is tamper-evident, not tamper-proof: someone who rewrites every later event and the
recorded head consistently is not caught without an anchor kept elsewhere (see docs/timeline.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, NamedTuple

from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import (
    GENESIS_HASH,
    Actor,
    Event,
    EventType,
    NewEvent,
    canonical_json,
    event_hash,
    iso_utc,
    parse_utc,
)


@frozen
class VerifyReport:
    """The verdict on one incident's chain; `first_bad_seq` names where it breaks."""

    ok: bool
    first_bad_seq: int | None
    reason: str
    events_checked: int = 0


@frozen
class StoreCheck:
    """Store-wide findings beside the chains: `problems` mean tampering or damage (verify fails),
    `notices` record what the store repaired by itself (worth a look, not a failure)."""

    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


class RawRow(NamedTuple):
    """A stored event exactly as read, before any parsing (so corrupt rows can be reported).
    A named tuple: a store makes one per row read, ten thousand for a long incident's document."""

    seq: int
    type: str
    at: str
    actor: str
    payload: str
    prev_hash: str
    hash: str


def seal(incident_id: str, seq: int, prev_hash: str, new: NewEvent, at: datetime) -> Event:
    """The event `new` becomes at position `seq` after an event whose hash is `prev_hash`."""
    payload = json.loads(json.dumps(dict(new.payload)))  # a private, JSON-shaped copy
    digest = event_hash(prev_hash, incident_id, seq, new.type, at, new.actor, payload)
    return Event(incident_id, seq, new.type, at, new.actor, payload, prev_hash, digest)


def stored_row(event: Event) -> RawRow:
    """The texts a store writes for `event`: every store writes these, and verification's
    shortcut (`_stored_hash`) relies on rows holding exactly them."""
    actor, payload = canonical_json(event.actor.to_dict()), canonical_json(dict(event.payload))
    return RawRow(event.seq, event.type.value, iso_utc(event.at), actor, payload, event.prev_hash, event.hash)


def parse_row(incident_id: str, row: RawRow) -> Event:
    """An Event from a stored row; raises ValueError (or KeyError) on a corrupt one."""
    payload = _json_object(row.payload)
    # positional: a third cheaper than keywords, in a loop over every stored event
    at, actor = _stored_time(row.at), _actor(row.actor)
    return Event(incident_id, row.seq, _event_type(row.type), at, actor, payload, row.prev_hash, row.hash)


_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _json_object(text: str) -> dict[str, Any]:
    """A stored JSON object: one C call for the texts the engine writes (`json.loads` is three
    Python calls around the same scanner, a sixth of a stored event's reading); `json.loads`,
    which reads surrounding whitespace and raises on anything else, for any other text."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        value, end = None, -1
    if end != len(text):
        value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("actor and payload must be JSON objects")
    return value


_EVENT_TYPES = {kind.value: kind for kind in EventType}
"""Stored type names to types: a dict lookup, where `EventType(text)` goes through Enum's call."""


def _event_type(text: str) -> EventType:
    found = _EVENT_TYPES.get(text)
    if found is None:
        raise ValueError(f"{text!r} is not a known event type")
    return found


@lru_cache(maxsize=256)
def _actor(text: str) -> Actor:
    """Actors repeat on every row of a timeline, and an Actor is immutable: parse each text once."""
    return Actor.from_dict(_json_object(text))


_ISO_UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", re.ASCII).fullmatch
"""The form `iso_utc` writes, and no other: a time read from such a text gives that text back."""


def _stored_time(text: str) -> datetime:
    """Rows hold `iso_utc` text, which `fromisoformat` reads as UTC directly; anything else the slow way."""
    if _ISO_UTC_TEXT(text):
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is timezone.utc:
            return parsed
    return parse_utc(text)


def verify_rows(
    incident_id: str,
    rows: Iterable[RawRow],
    head: tuple[int, str] | None = None,
    anchor: tuple[int, str] | None = None,
) -> VerifyReport:
    """Check seqs run 1..n without gaps, each row links to the previous, and each hash matches.

    `head` is the (seq, hash) the store recorded for the last append, when it keeps one: it
    catches events removed from, or added to, the end of the chain. `anchor` is a (seq, hash)
    the team kept outside the store (`--expect-head`): it catches a truncated tail whose recorded
    head was rewritten to match, and a chain rewritten from some seq on.
    """
    return verified_events(incident_id, rows, head, anchor)[0]


def verified_events(
    incident_id: str,
    rows: Iterable[RawRow],
    head: tuple[int, str] | None = None,
    anchor: tuple[int, str] | None = None,
) -> tuple[VerifyReport, list[Event]]:
    """`verify_rows`, keeping each event it parsed on the way: a document written from a verified
    timeline reads and parses its rows once. On a broken chain the events stop before the break."""
    prev_hash, expected = GENESIS_HASH, 1
    events: list[Event] = []
    for row in rows:
        problem = _link_problem(row, expected, prev_hash) or _anchor_problem(row, anchor)
        event, problem = (None, problem) if problem else _sealed_event(incident_id, row)
        if event is None:
            return VerifyReport(False, expected, problem or "", len(events)), events
        events.append(event)
        prev_hash, expected = row.hash, expected + 1
    checked = len(events)
    if head is not None and head != (checked, prev_hash):
        return _head_mismatch(head, checked), events
    if anchor is not None and anchor[0] > checked:
        reason = (f"the chain ends at seq {checked}, but seq {anchor[0]} was seen outside the store: "
                  f"events {checked + 1}..{anchor[0]} were removed")
        return VerifyReport(False, checked + 1, reason, checked), events
    return VerifyReport(True, None, f"{checked} events, chain intact", checked), events


def _anchor_problem(row: RawRow, anchor: tuple[int, str] | None) -> str | None:
    if anchor is None or row.seq != anchor[0] or row.hash.startswith(anchor[1]):
        return None
    seen = f"hash {row.hash[:12]}..., expected {anchor[1][:12]}..."
    return f"seq {row.seq} is not the event seen outside the store ({seen})"


MIN_ANCHOR_DIGITS = 12
"""Hex digits of a hash an anchor must give at least: a posted receipt shows 12 (48 bits, which a
forger who must also keep the chain linked cannot match by trial)."""


def parse_anchor(text: str) -> tuple[int, str]:
    """`SEQ:HASH` into (seq, hash), the hash whole or its first 12+ hex digits (as status updates'
    receipts show it); ValueError if not."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.lower()
    if not seq.isdigit() or int(seq) < 1 or digest.strip("0123456789abcdef"):
        raise ValueError(f"{text!r} is not SEQ:HASH (e.g. 12:3fa9c2e1b0d4)")
    if not MIN_ANCHOR_DIGITS <= len(digest) <= 64:
        raise ValueError(f"{text!r}: SEQ:HASH needs the hash's first {MIN_ANCHOR_DIGITS} to 64 hex digits")
    return int(seq), digest


def _link_problem(row: RawRow, expected: int, prev_hash: str) -> str | None:
    if row.seq != expected:
        if row.seq > expected:
            return f"seq {expected} is missing (next stored seq is {row.seq})"
        return f"seq {row.seq} appears where seq {expected} should be"
    if row.prev_hash != prev_hash:
        return f"seq {expected} does not link to seq {expected - 1} (prev_hash differs)"
    return None


def _sealed_event(incident_id: str, row: RawRow) -> tuple[Event | None, str | None]:
    """The row's event when it reads and its content matches its hash, else why not."""
    try:
        event = parse_row(incident_id, row)
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"seq {row.seq} cannot be read: {exc}"
    if _stored_hash(incident_id, row, event) != row.hash:
        return None, f"seq {row.seq} was altered: its content does not match its hash"
    return event, None


def _stored_hash(incident_id: str, row: RawRow, event: Event) -> str:
    """`event_hash` of the event, computed from the row's own texts when they are the canonical
    ones the engine writes (the body is then those texts joined, so no re-serialising of the
    actor and the whole body); any other row takes the long way, so both give the same verdict.
    Called only once the row links: its prev_hash is then GENESIS_HASH or the hash of the row
    before, which matched a sha256 hex digest, so it needs no JSON escaping."""
    if _texts_are_canonical(row, event):
        body = (
            f'{{"actor":{row.actor},"at":"{row.at}","incident_id":{_json_text(incident_id)},'
            f'"payload":{row.payload},"prev_hash":"{row.prev_hash}","seq":{row.seq},'
            f'"type":"{event.type.value}"}}'
        )
        return hashlib.sha256(body.encode("utf-8")).hexdigest()
    e = event
    return event_hash(e.prev_hash, incident_id, e.seq, e.type, e.at, e.actor, e.payload)


def _texts_are_canonical(row: RawRow, event: Event) -> bool:
    actor_ok = _canonical_actor(row.actor)
    # `event.at` was read from `row.at`: a text of iso_utc's form is what iso_utc gives for it
    return actor_ok and _ISO_UTC_TEXT(row.at) is not None and canonical_json(event.payload) == row.payload


@lru_cache(maxsize=8)
def _json_text(text: str) -> str:
    """An incident id as JSON: once per verify, not once per row."""
    return canonical_json(text)


@lru_cache(maxsize=256)
def _canonical_actor(text: str) -> bool:
    """Whether an actor's stored text is its canonical JSON (actors repeat: asked once per text)."""
    try:
        return canonical_json(json.loads(text)) == text
    except ValueError:
        return False


def _head_mismatch(head: tuple[int, str], checked: int) -> VerifyReport:
    head_seq = head[0]
    if head_seq > checked:
        reason = f"events {checked + 1}..{head_seq} were removed from the end"
        return VerifyReport(False, checked + 1, reason, checked)
    if head_seq < checked:
        reason = f"events after seq {head_seq} were added outside the store"
        return VerifyReport(False, head_seq + 1, reason, checked)
    reason = f"seq {head_seq} does not match the recorded head hash"
    return VerifyReport(False, head_seq, reason, checked)
