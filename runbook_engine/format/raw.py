"""Tolerant readers of loaded YAML values: odd shapes become empty values, never exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runbook_engine.format.durations import parse_duration


def duration(raw: Any) -> int | None:
    try:
        return parse_duration(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def text(raw: Any) -> str:
    return raw if isinstance(raw, str) else ("" if raw is None else str(raw))


def items(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else []


def mapping(raw: Any) -> Mapping[str, Any]:
    return raw if isinstance(raw, dict) else {}


def strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in items(raw) if isinstance(item, (str, int, float)))
