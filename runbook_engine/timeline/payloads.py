"""Event payloads checked against `schemas/timeline-event.schema.json` (a cached check per type).

A valid payload is confirmed by a compiled check (`compiled_schema`); jsonschema is imported only
to explain a payload that fails, which keeps it off the first screen of `runbook walk`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from runbook_engine.errors import UsageError
from runbook_engine.format.compiled_schema import Check, Unsupported, compile_schema
from runbook_engine.resources import load_schema
from runbook_engine.timeline.events import EventType, NewEvent, parse_utc

_TIME_FIELDS = {
    EventType.INCIDENT_OPENED: ("started_at",),
    EventType.STATUS_UPDATE: ("next_update_at",),
    EventType.TASK_ASSIGNED: ("eta",),
    EventType.POST_FAILED: ("retry_at",),
    EventType.UPDATE_REMINDER: ("due_at",),
}
"""Fields the reducers parse as times; checked here because JSON Schema formats only annotate."""


def _schema_of(event_type: EventType) -> dict[str, Any]:
    schema = load_schema("timeline-event")
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{event_type.value}"}


@cache
def _validator(event_type: EventType) -> Any:
    import jsonschema  # here, not at the top: only a failing payload needs it

    sub = _schema_of(event_type)
    return jsonschema.validators.validator_for(sub)(sub)


@cache
def _fast_check(event_type: EventType) -> Check:
    try:
        return compile_schema(_schema_of(event_type))
    except Unsupported:
        return _validator(event_type).is_valid  # type: ignore[no-any-return]


def payload_problem(event: NewEvent) -> str | None:
    """The first thing wrong with the event's actor or payload, or None when both are valid."""
    if not event.actor.name.strip():
        return f"{event.type.value}: actor: the name of who is acting is empty"
    payload = dict(event.payload)
    if _fast_check(event.type)(payload):
        return _time_problem(event)
    from jsonschema.exceptions import best_match

    error = best_match(_validator(event.type).iter_errors(payload))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "payload"
        return f"{event.type.value}: {where}: {error.message}"
    return _time_problem(event)


def validate_payload(event: NewEvent) -> None:
    """Raise UsageError when the payload does not fit its event type's schema."""
    problem = payload_problem(event)
    if problem is not None:
        raise UsageError(f"invalid {problem}", "see schemas/timeline-event.schema.json (and --as NAME)")


def _time_problem(event: NewEvent) -> str | None:
    for name in _TIME_FIELDS.get(event.type, ()):
        value = event.payload.get(name)
        if value is None:
            continue
        try:
            parse_utc(str(value))
        except ValueError:
            return f"{event.type.value}: {name}: {value!r} is not an ISO 8601 time"
    if event.type is EventType.ACTION_ITEM:
        try:
            date.fromisoformat(str(event.payload["due"]))
        except ValueError:
            return f"action_item: due: {event.payload['due']!r} is not a date (YYYY-MM-DD)"
    return None
