"""Mattermost incoming webhook payload: one Markdown `text`, within the post size limit.

Mattermost accepts `text` (Markdown) or Slack-style attachments on its incoming webhooks; plain
`text` renders everywhere, including the mobile app's notifications. A post holds at most 16,383
characters (the server's default maximum), so a longer message is cut with a pointer to the full
export. People's words are Markdown-escaped, and an `@` gets a zero-width space after it so a
pasted `@channel` or `@all` does not page the whole channel.
"""

from __future__ import annotations

from typing import Any

from runbook_engine.comms.limits import cut
from runbook_engine.comms.message import Message
from runbook_engine.render.escape import markdown

MAX_TEXT = 16383
_NO_MENTION = "@\u200b"


def payload(message: Message) -> dict[str, Any]:
    """The JSON body for a Mattermost incoming webhook."""
    body = "\n".join(_line(label, value) for label, value in message.lines)
    receipt = message.receipt
    tail = f"\n\n_{markdown(receipt.text())}_ · check: `{receipt.verify_command()}`"
    head = f"#### {_escape(message.header)}\n"
    text = head + cut(body, MAX_TEXT - len(head) - len(tail), f"`{message.full_text_hint}`") + tail
    return {"text": text}


def problems(body: dict[str, Any]) -> list[str]:
    text = str(body.get("text", ""))
    if not text.strip():
        return ["no text"]
    return [f"text of {len(text)} characters (at most {MAX_TEXT})"] if len(text) > MAX_TEXT else []


def _line(label: str, value: str) -> str:
    text = "  \n".join(_escape(part) for part in value.splitlines()) or ""
    return f"- **{_escape(label)}:** {text}" if label else f"- {text}"


def _escape(text: str) -> str:
    return markdown(text).replace("@", _NO_MENTION)
