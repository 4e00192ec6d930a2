"""A folded incident state kept aside, so a command folds only the events after it.

Pure and backend-neutral: `snapshot_cache.py` keeps them in each account's own cache (never in
the store, where others could write one) and calls `resume` and `take`. A snapshot is only a
shortcut, never trusted over the chain: it is used only when the event at its seq still has its
hash, when it was made by the same fold code and policy (the fingerprint), and when it decodes
to a state whose last seq and hash are its own. Anything else and the store folds from the first
event, as it would without one.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy
from runbook_engine.timeline.values import IncidentState

FORMAT = "state-json-1"
EVERY = 64
"""Events between snapshots: a command folds at most this many, and a snapshot is rarely written."""


@frozen
class Snapshot:
    """An incident's folded state as stored text, tied to the chain's head it was folded up to."""

    incident_id: str
    seq: int
    hash: str
    fingerprint: str
    state: str


def fingerprint(policy: Policy) -> str:
    """What a folded state depends on besides the events: the fold's code and the policy."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(repr(policy).encode())
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    """The timeline package's and the policy's source: any change to the fold invalidates snapshots."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(FORMAT.encode())
    for source in sorted([*package.glob("*.py"), package.parent / "policy.py"]):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def due(state: IncidentState, last_snapshot_seq: int) -> bool:
    return state.last_seq - last_snapshot_seq >= EVERY


def take(state: IncidentState, policy_fingerprint: str) -> Snapshot | None:
    """A snapshot of `state`, or None when it does not survive a round trip (a type the codec
    does not know, added to the state later): then the store simply folds from the start."""
    try:
        text = json.dumps(_encode(state), separators=(",", ":"))
        if _decode(IncidentState, json.loads(text)) != state:
            return None
    except (TypeError, ValueError, KeyError):
        return None
    return Snapshot(state.incident_id, state.last_seq, state.last_hash, policy_fingerprint, text)


def resume(snapshot: Snapshot, hash_at_seq: str | None, policy_fingerprint: str) -> IncidentState | None:
    """The state to fold on from, or None when the snapshot does not match the chain or the code."""
    if snapshot.fingerprint != policy_fingerprint or snapshot.hash != hash_at_seq:
        return None
    try:
        state = _decode(IncidentState, json.loads(snapshot.state))
    except (TypeError, ValueError, KeyError):
        return None
    head = (snapshot.seq, snapshot.hash)
    return state if isinstance(state, IncidentState) and (state.last_seq, state.last_hash) == head else None


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: _encode(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return [[_encode(key), _encode(item)] for key, item in value.items()]
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(f"a snapshot cannot hold {type(value).__name__}")


def _decode(hint: Any, raw: Any) -> Any:
    """`raw` (from JSON) as the type `hint` names; raises TypeError for anything unexpected."""
    return _decoder(hint)(raw)


Decoder = Callable[[Any], Any]


@cache
def _decoder(hint: Any) -> Decoder:
    """The decoding function for one type, worked out once: a state holds thousands of values of
    a few dozen types, and asking `typing` about each value's type was most of a resume."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union_decoder(get_args(hint))
    if origin is tuple:
        return _tuple_decoder(get_args(hint))
    if origin in (Mapping, dict) or hint in (Mapping, dict):
        key, item = (_decoder(arg) for arg in (get_args(hint) or (Any, Any)))
        return lambda raw: {key(k): item(v) for k, v in _list(raw)}
    if isinstance(hint, type) and is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint is datetime:
        return lambda raw: datetime.fromisoformat(_typed(str, raw))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint in (str, int, float, bool) or hint is type(None):
        return lambda raw: _typed(hint, raw)
    raise TypeError(f"a snapshot cannot decode {hint!r}")


def _union_decoder(options: tuple[Any, ...]) -> Decoder:
    optional = type(None) in options
    decoders = [_decoder(option) for option in options if option is not type(None)]

    def decode(raw: Any) -> Any:
        if raw is None and optional:
            return None
        for decoder in decoders:
            try:
                return decoder(raw)
            except (TypeError, ValueError, KeyError):
                continue
        raise TypeError(f"no type fits {raw!r}")

    return decode


def _tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    if len(args) == 2 and args[1] is Ellipsis:
        each = _decoder(args[0])
        return lambda raw: tuple(each(item) for item in _list(raw))
    decoders = [_decoder(arg) for arg in args]

    def decode(raw: Any) -> tuple[Any, ...]:
        items = _list(raw)
        if len(decoders) != len(items):
            raise TypeError("tuple of the wrong length")
        return tuple(decoder(item) for decoder, item in zip(decoders, items, strict=True))

    return decode


def _dataclass_decoder(cls: type) -> Decoder:
    hints = get_type_hints(cls)
    names = [item.name for item in fields(cls)]
    expected = set(names)
    decoders: list[tuple[str, Decoder]] = []

    def decode(raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise TypeError(f"{cls.__name__} is not an object")
        if raw.keys() != expected:
            raise KeyError(f"{cls.__name__} fields differ")
        if not decoders:  # filled on first use: a dataclass may hold its own type
            decoders.extend((name, _decoder(hints[name])) for name in names)
        return cls(**{name: decoder(raw[name]) for name, decoder in decoders})

    return decode


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise TypeError("expected a list")
    return raw


def _typed(kind: Any, raw: Any) -> Any:
    if kind is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if type(raw) is not kind:
        raise TypeError(f"expected {kind.__name__}, got {type(raw).__name__}")
    return raw
