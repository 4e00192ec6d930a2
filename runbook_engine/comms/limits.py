"""Cutting text to a service's documented limit, saying where the whole text is."""

from __future__ import annotations

import json


def cut(text: str, limit: int, pointer: str) -> str:
    """`text` if it fits in `limit` characters, else its head and a note pointing at the full text."""
    if len(text) <= limit:
        return text
    note = f" … [cut; full text: {pointer}]"
    return text[: max(0, limit - len(note))].rstrip() + note


def json_size(payload: object) -> int:
    """Bytes of `payload` as it is sent (UTF-8 JSON)."""
    return len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
