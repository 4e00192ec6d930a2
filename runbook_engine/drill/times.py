"""The times a drill names: its start (`2026-03-15T14:05Z`) and moments (`T+6m`, `14:11`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from runbook_engine.format.durations import parse_duration


def parse_start(text: str) -> datetime:
    """`2026-03-15T14:05Z` or with seconds, as an aware UTC time; ValueError if impossible."""
    stamp = text[:-1] if text.endswith("Z") else text
    return datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc)


def moment(text: str, opened: datetime) -> datetime:
    """The time a drill names: `T+6m` after `opened`, or `14:11` on the day of `opened`."""
    if text.startswith("T+"):
        return opened + timedelta(seconds=parse_duration(text[2:]))
    hours, minutes = (int(part) for part in text.split(":"))
    return opened.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
