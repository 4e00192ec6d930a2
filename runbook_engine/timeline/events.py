"""Timeline events as immutable values, plus the canonical JSON and hash that chain them."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from enum import Enum
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from runbook_engine.frozen import frozen

GENESIS_HASH = "0" * 64
"""The `prev_hash` of an incident's first event."""

MAIN_COMMAND_PART = "step"
"""A `command_run` event's `part` for a node's own step (the others: `stage N`, `rollback`);
events written before parts were recorded have none and mean this."""


def incident_id_prefix(opening: NewEvent) -> str:
    """`DEMO` for a demo incident (so its id can never be taken for a real one's), else `INC`."""
    return "DEMO" if opening.payload.get("demo") else "INC"


def format_incident_id(prefix: str, day: str, number: int) -> str:
    """The id every store gives the `number`th incident of `day` (YYYYMMDD) with this prefix."""
    return f"{prefix}-{day}-{number:04d}"


_INCIDENT_ID = re.compile(r"^([A-Z]+)-([0-9]{8})-([0-9]{4,})$")


def parse_incident_id(incident_id: str) -> tuple[str, str, int]:
    """(prefix, day, number) of an id made by `format_incident_id`; ValueError for anything else."""
    match = _INCIDENT_ID.match(incident_id)
    if match is None:
        raise ValueError(f"{incident_id!r} is not an incident id (PREFIX-YYYYMMDD-NNNN)")
    return match[1], match[2], int(match[3])


class EventType(str, Enum):
    """Every kind of event an incident timeline can hold."""

    INCIDENT_OPENED = "incident_opened"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_HANDED_OVER = "role_handed_over"
    SEVERITY_CHANGED = "severity_changed"
    NOTE = "note"
    HYPOTHESIS_STATED = "hypothesis_stated"
    HYPOTHESIS_DROPPED = "hypothesis_dropped"
    NODE_ENTERED = "node_entered"
    NODE_ANSWERED = "node_answered"
    CHANGE_PROPOSED = "change_proposed"
    APPROVAL_REQUESTED = "approval_requested"
    APPROVAL_GRANTED = "approval_granted"
    APPROVAL_DENIED = "approval_denied"
    CHANGE_STARTED = "change_started"
    CHANGE_RESULT = "change_result"
    COMMAND_RUN = "command_run"
    STATUS_UPDATE = "status_update"
    ACTION_ITEM = "action_item"
    MITIGATED = "mitigated"
    MONITORING_STARTED = "monitoring_started"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    OVERRIDE = "override"
    COMMAND_CLAIMED = "command_claimed"
    COMMAND_CONFIRMED = "command_confirmed"
    CHANGE_OWNER_CHANGED = "change_owner_changed"
    CHANGE_CLASSIFIED = "change_classified"
    POLICY_CHANGED = "policy_changed"
    TASK_ASSIGNED = "task_assigned"
    TASK_ACKED = "task_acked"
    TASK_DONE = "task_done"
    FOLLOWUP_DECIDED = "followup_decided"
    POST_ATTEMPT = "post_attempt"
    POST_DELIVERED = "post_delivered"
    POST_FAILED = "post_failed"
    UPDATE_REMINDER = "update_reminder"


@frozen
class Actor:
    """Who did it: the handle resolved from the account (see `identity.resolve`), the account the
    engine established (OS account, or database login on the team store) and the host."""

    name: str
    account: str
    host: str

    @classmethod
    def current(cls, name: str) -> Actor:
        """The resolved handle `name` with this process's OS account and host name."""
        return cls(name=name, account=os_account(), host=socket.gethostname())

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "account": self.account, "host": self.host}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Actor:
        return cls(name=str(raw["name"]), account=str(raw["account"]), host=str(raw["host"]))


@frozen
class NewEvent:
    """What a caller appends; the store adds incident id, seq, time and hashes."""

    type: EventType
    actor: Actor
    payload: Mapping[str, Any]


@frozen
class Event:
    """One recorded timeline event, chained to the previous one by `prev_hash`."""

    incident_id: str
    seq: int
    type: EventType
    at: datetime
    actor: Actor
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (as exported and as described by the timeline-event schema)."""
        return {
            "incident_id": self.incident_id,
            "seq": self.seq,
            "type": self.type.value,
            "at": iso_utc(self.at),
            "actor": self.actor.to_dict(),
            "payload": dict(self.payload),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        return cls(
            incident_id=str(raw["incident_id"]),
            seq=int(raw["seq"]),
            type=EventType(raw["type"]),
            at=parse_utc(str(raw["at"])),
            actor=Actor.from_dict(raw["actor"]),
            payload=dict(raw["payload"]),
            prev_hash=str(raw["prev_hash"]),
            hash=str(raw["hash"]),
        )


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""Built once: `json.dumps` with options builds a new encoder on every call, a third of its cost."""


# arguments: markers, default, string encoder, indent, separators, sort_keys, skipkeys, allow_nan
_C_ENCODE: Callable[[Any, int], list[str]] | None = c_make_encoder and c_make_encoder(
    None, _CANONICAL.default, encode_basestring, None, ":", ",", True, False, False
)
"""`_CANONICAL`'s own C encoder, made once: `encode` makes one per call (with its cycle-marker
dict), half the cost of encoding a stored event's payload. Same arguments, so the same text."""


def canonical_json(obj: Any) -> str:
    """One fixed text for a JSON value: sorted keys, no spaces, UTF-8 kept as is."""
    if _C_ENCODE is None:
        return _CANONICAL.encode(obj)
    try:
        return "".join(_C_ENCODE(obj, 0))
    except RecursionError:  # made without cycle markers: let the encoder name the cycle
        return _CANONICAL.encode(obj)


def event_hash(
    prev_hash: str,
    incident_id: str,
    seq: int,
    type: EventType | str,
    at: datetime,
    actor: Actor,
    payload: Mapping[str, Any],
) -> str:
    """sha256 over the canonical JSON of the previous hash and every field of the event."""
    body = {
        "prev_hash": prev_hash,
        "incident_id": incident_id,
        "seq": seq,
        "type": EventType(type).value,
        "at": iso_utc(at),
        "actor": actor.to_dict(),
        "payload": dict(payload),
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def iso_utc(at: datetime) -> str:
    """ISO 8601 in UTC with microseconds, the one form times are stored and hashed in."""
    if at.tzinfo is None:
        raise ValueError("timeline times must be timezone-aware")
    utc = at if at.tzinfo is timezone.utc else at.astimezone(timezone.utc)
    return utc.isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    """Parse an ISO 8601 time (a trailing `Z` is accepted); naive times are taken as UTC."""
    parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def os_account() -> str:
    """The OS account this process runs as (from the uid, not from $USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return _fallback_account()


def _fallback_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No passwd entry (e.g. an arbitrary uid in a container): the uid is still an audit trail.
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"
