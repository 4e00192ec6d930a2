"""Generic JSON webhook payload: every field by name, for a bridge to anything else.

The receiver gets the delivery id (also sent as the `Idempotency-Key` header) so it can drop a
message it has already seen, the labelled lines, the structured fields of the update, the plain
text ending with the receipt, and the receipt itself.
"""

from __future__ import annotations

from typing import Any

from runbook_engine.comms.message import Message


def payload(message: Message) -> dict[str, Any]:
    receipt = message.receipt
    return {
        "delivery_id": message.post_id,
        "incident_id": message.incident_id,
        "kind": message.kind,
        "header": message.header,
        "lines": [{"label": label, "value": value} for label, value in message.lines],
        "fields": dict(message.fields),
        "text": message.plain(),
        "receipt": {
            "seq": receipt.seq,
            "hash": receipt.hash,
            "head": receipt.head,
            "verify": receipt.verify_command(),
        },
    }


def problems(body: dict[str, Any]) -> list[str]:
    return [] if body.get("delivery_id") and body.get("receipt") else ["no delivery id or receipt"]
