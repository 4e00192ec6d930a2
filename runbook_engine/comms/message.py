"""The message a channel receives, rebuilt from its timeline event, and the receipt it ends with.

The text posted is the text recorded in the event (`status_update` or `update_reminder`), so a
retry a day later posts exactly what was drafted. Its first line is the header and the rest are
`Label: value` lines, which each service's format lays out its own way. The receipt is the
event's own place in the hash chain: whoever holds the chat message can check the store still
holds that text (`runbook timeline verify ID --expect-head SEQ:HASH`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import Event, EventType

SHORT_HASH = 12
"""Hex digits of the hash a receipt shows: 48 bits, beyond guessing for a forger."""


@frozen
class Receipt:
    """The timeline head when the message was recorded: sequence number and hash."""

    incident_id: str
    seq: int
    hash: str

    @property
    def head(self) -> str:
        """`SEQ:HASH`, as `--expect-head` takes it."""
        return f"{self.seq}:{self.hash[:SHORT_HASH]}"

    def text(self) -> str:
        return f"Receipt: {self.incident_id} head {self.head}"

    def verify_command(self) -> str:
        return f"runbook timeline verify {self.incident_id} --expect-head {self.head}"


@frozen
class Message:
    """One message as every format needs it: header, labelled lines, plain text and receipt."""

    post_id: str
    incident_id: str
    kind: str
    header: str
    lines: tuple[tuple[str, str], ...]
    text: str
    receipt: Receipt
    fields: Mapping[str, Any] = field(default_factory=dict)
    """The event's structured fields (severity, impact, actions...), for the generic webhook."""

    @property
    def full_text_hint(self) -> str:
        """Where the whole message can be read when a format had to cut it."""
        return f"runbook timeline export {self.incident_id} --format md"

    def plain(self) -> str:
        """The text as recorded, ending with the receipt line."""
        return f"{self.text.rstrip()}\n{self.receipt.text()}"


def message_from_event(event: Event, post_id: str) -> Message:
    """The message for a `status_update` or `update_reminder` event."""
    text = str(event.payload["text"])
    header, lines = split_text(text)
    kind = str(event.payload.get("kind", "reminder")) if event.type is EventType.STATUS_UPDATE else "reminder"
    fields = {k: v for k, v in event.payload.items() if k not in ("text", "post_to")}
    receipt = Receipt(event.incident_id, event.seq, event.hash)
    return Message(post_id, event.incident_id, kind, header, lines, text, receipt, fields)


def split_text(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The header line and the `Label: value` lines; a line with no label continues the one above."""
    raw = [line for line in text.strip().splitlines() if line.strip()]
    if not raw:
        return "", ()
    lines: list[tuple[str, str]] = []
    for line in raw[1:]:
        label, sep, value = line.partition(": ")
        if sep and label and len(label) <= 40:
            lines.append((label.strip(), value.strip()))
        elif lines:
            lines[-1] = (lines[-1][0], f"{lines[-1][1]}\n{line.strip()}")
        else:
            lines.append(("", line.strip()))
    return raw[0].strip(), tuple(lines)
