"""Slack incoming webhook payload: Block Kit blocks plus the plain-text fallback, within limits.

Documented limits (api.slack.com, Block Kit reference): at most 50 blocks a message, a section's
text at most 3,000 characters, a header's plain text at most 150. The top-level `text` is the
fallback shown in notifications; we keep it under 3,000 characters too. Long values are cut with
a pointer to the full export. Text people typed is escaped (`&`, `<`, `>`), so nobody's words
become a link or an @channel ping.
"""

from __future__ import annotations

from typing import Any

from runbook_engine.comms.limits import cut
from runbook_engine.comms.message import Message

MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
FALLBACK_TEXT = 3000


def payload(message: Message) -> dict[str, Any]:
    """The JSON body for a Slack incoming webhook."""
    sections = [_section(label, value, message) for label, value in _fit(message.lines)]
    blocks = [_header(message), *sections, _context(message)]
    return {"text": _fallback(message), "blocks": blocks}


def problems(body: dict[str, Any]) -> list[str]:
    """What breaks a documented limit (empty when Slack should accept the body)."""
    found = []
    blocks = body.get("blocks", [])
    if len(blocks) > MAX_BLOCKS:
        found.append(f"{len(blocks)} blocks (at most {MAX_BLOCKS})")
    if not str(body.get("text", "")).strip():
        found.append("no fallback text")
    for index, block in enumerate(blocks):
        limit = HEADER_TEXT if block["type"] == "header" else SECTION_TEXT
        texts = [block["text"]["text"]] if "text" in block else [e["text"] for e in block.get("elements", [])]
        found += [f"block {index}: {len(t)} characters (at most {limit})" for t in texts if len(t) > limit]
    return found


def escape(text: str) -> str:
    """Slack's three control characters, as its docs ask."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fit(lines: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """At most MAX_BLOCKS - 2 sections (header and receipt take two): the rest join the last."""
    room = MAX_BLOCKS - 2
    if len(lines) <= room:
        return list(lines)
    rest = "\n".join(f"{label}: {value}" for label, value in lines[room - 1 :])
    return [*lines[: room - 1], ("More", rest)]


def _header(message: Message) -> dict[str, Any]:
    text = message.header if len(message.header) <= HEADER_TEXT else message.header[: HEADER_TEXT - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": False}}


def _section(label: str, value: str, message: Message) -> dict[str, Any]:
    head = f"*{escape(label)}*\n" if label else ""
    body = cut(escape(value), SECTION_TEXT - len(head), f"`{message.full_text_hint}`")
    return {"type": "section", "text": {"type": "mrkdwn", "text": head + body}}


def _context(message: Message) -> dict[str, Any]:
    receipt = message.receipt
    text = f"{escape(receipt.text())} · check: `{escape(receipt.verify_command())}`"
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _fallback(message: Message) -> str:
    tail = "\n" + message.receipt.text()
    return cut(escape(message.text.rstrip()), FALLBACK_TEXT - len(tail), message.full_text_hint) + tail
