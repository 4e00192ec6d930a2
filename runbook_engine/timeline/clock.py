"""Where "now" comes from: the system clock in use, a fake clock in tests and drills."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that moves only when told to, so tests can step through observation windows."""

    def __init__(self, start: datetime | None = None) -> None:
        begin = start or datetime(2026, 1, 1, 14, 0, tzinfo=timezone.utc)
        if begin.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = begin.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward by `seconds` and return the new time."""
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(timezone.utc)
