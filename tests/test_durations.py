"""Durations: parsing what authors write and printing compact forms."""

from __future__ import annotations

import json
import re

import pytest

from runbook_engine.format.durations import (
    MAX_DURATION_S,
    clamp_duration,
    duration_pattern,
    format_duration,
    parse_duration,
)
from runbook_engine.resources import SCHEMAS_DIR


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


@pytest.mark.parametrize("text", ["721h", "43201m", "2592001s", "99999999999999999999h", "1" * 5000 + "s"])
def test_parse_refuses_anything_past_the_bound(text: str) -> None:
    with pytest.raises(ValueError, match=r"30s, 5m or 1h|longest duration"):
        parse_duration(text)


def test_the_bound_itself_is_accepted() -> None:
    assert parse_duration("720h") == parse_duration("43200m") == parse_duration("2592000s") == MAX_DURATION_S


@pytest.mark.parametrize(("unit", "size"), [("s", 1), ("m", 60), ("h", 3600)])
def test_the_schema_pattern_accepts_exactly_the_durations_up_to_the_bound(unit: str, size: int) -> None:
    pattern = re.compile(duration_pattern())
    limit = MAX_DURATION_S // size
    for number in [*range(1000), *range(max(limit - 1000, 0), limit + 1000), limit * 10]:
        assert bool(pattern.search(f"{number}{unit}")) == (number <= limit), f"{number}{unit}"
    assert pattern.search(f"5{unit}\n") is None


@pytest.mark.parametrize("name", ["runbook", "drill", "policy"])
def test_every_schema_holds_the_same_bounded_duration_pattern(name: str) -> None:
    text = (SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    assert "[0-9]+(s|m|h)" not in text
    assert json.dumps(duration_pattern())[1:-1] in text


def test_clamp_keeps_a_stored_window_within_the_bound() -> None:
    assert clamp_duration(10**30) == MAX_DURATION_S
    assert clamp_duration(-(10**30)) == 0
    assert clamp_duration(900) == 900
