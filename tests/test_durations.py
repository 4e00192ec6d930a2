"""Durations: parsing what authors write and printing compact forms."""

from __future__ import annotations

import pytest

from runbook_engine.format.durations import format_duration, parse_duration


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("1h", 3600), (" 2m ", 120)])
def test_parse(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5", "5 minutes", "1h30m", "-5m", "5d"])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="30s, 5m or 1h"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59.6, "1m"), (90, "1m30s"), (720, "12m"), (3900, "1h05m")]
)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
