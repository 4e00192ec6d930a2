"""Durations as written in runbooks and policies (`30s`, `5m`, `1h`), their bound, and how we print them."""

from __future__ import annotations

import re

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}

MAX_DURATION_S = 30 * 24 * 3600
"""No wait, timeout or window in an incident is longer than 30 days; a bound keeps every sum of
times far from datetime's limits, so a typo such as `99999999999h` can never break a fold."""


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 0..limit (shorter forms may have leading zeros)."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            tail = "[0-9]" + (f"{{{rest}}}" if rest > 1 else "") if rest else ""
            options.append(f"{digits[:i]}[0-{int(digit) - 1}]{tail}")
    options.append(digits)
    return "|".join(options)


def duration_pattern() -> str:
    """The JSON Schema pattern of a duration up to MAX_DURATION_S (the schemas hold a copy; a test
    keeps them equal). `$(?!\\n)` because Python's `$` also matches before a final newline."""
    units = "|".join(f"(?:{_at_most(MAX_DURATION_S // size)}){unit}" for unit, size in _UNIT_SECONDS.items())
    return f"^(?:{units})$(?!\\n)"


_DURATION = re.compile(r"([0-9]+)(s|m|h)")


def parse_duration(text: str) -> int:
    """Seconds in `text`; raises ValueError naming the accepted forms and the bound."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or len(match.group(1)) > 12:
        raise ValueError(f"{text!r} is not a duration like 30s, 5m or 1h")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > MAX_DURATION_S:
        raise ValueError(f"{text!r} is longer than the longest duration allowed, {MAX_DURATION_S // 3600}h")
    return seconds


def clamp_duration(seconds: int) -> int:
    """A duration read from a timeline, held within 0..MAX_DURATION_S so no sum of times overflows."""
    return max(0, min(seconds, MAX_DURATION_S))


def format_duration(seconds: float) -> str:
    """Compact human form: 45s, 12m, 1h05m."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m" if secs == 0 else f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
