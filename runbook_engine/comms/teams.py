"""Microsoft Teams Workflows webhook payload: a message carrying one Adaptive Card (version 1.4).

Office 365 connectors (MessageCard) are retired; a Teams Workflows webhook ("Post to a channel
when a webhook request is received") takes a message whose `attachments` hold an Adaptive Card.
Teams renders schema version 1.4 on desktop, web and mobile, and rejects a message over about
28 KB, so values are cut (with a pointer to the full export) until the body fits.
"""

from __future__ import annotations

from typing import Any

from runbook_engine.comms.limits import cut, json_size
from runbook_engine.comms.message import Message

CARD_VERSION = "1.4"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_BYTES = 28000
_VALUE_LIMITS = (None, 2000, 500, 100)
"""Tried in turn until the message fits in MAX_BYTES (None: values as they are)."""


def payload(message: Message) -> dict[str, Any]:
    """The JSON body for a Teams Workflows webhook."""
    for limit in _VALUE_LIMITS:
        body = _message(_card(message, limit))
        if json_size(body) <= MAX_BYTES:
            return body
    return body


def problems(body: dict[str, Any]) -> list[str]:
    found = []
    size = json_size(body)
    if size > MAX_BYTES:
        found.append(f"{size} bytes (at most {MAX_BYTES})")
    cards = [a for a in body.get("attachments", []) if a.get("contentType") == CONTENT_TYPE]
    if len(cards) != 1:
        found.append("needs exactly one Adaptive Card attachment")
    elif cards[0]["content"].get("version") != CARD_VERSION:
        found.append(f"card version must be {CARD_VERSION}")
    return found


def _message(card: dict[str, Any]) -> dict[str, Any]:
    attachment = {"contentType": CONTENT_TYPE, "contentUrl": None, "content": card}
    return {"type": "message", "attachments": [attachment]}


def _card(message: Message, limit: int | None) -> dict[str, Any]:
    pointer = message.full_text_hint

    def fit(text: str) -> str:
        return text if limit is None else cut(text, limit, pointer)

    facts = [{"title": label, "value": fit(value)} for label, value in message.lines if label]
    loose = [_text(fit(value)) for label, value in message.lines if not label]
    header = _text(message.header, weight="Bolder", size="Medium")
    body = [header, {"type": "FactSet", "facts": facts}, *loose]
    receipt = message.receipt
    body.append(_text(f"{receipt.text()} · check: {receipt.verify_command()}", isSubtle=True, size="Small"))
    return {"$schema": CARD_SCHEMA, "type": "AdaptiveCard", "version": CARD_VERSION, "body": body}


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}
