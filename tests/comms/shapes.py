"""The documented shape of each service's payload, written from the services' docs (not from
our builders), so a builder that drifts from the documentation fails here.

Slack (Block Kit reference): at most 50 blocks; a header block holds plain_text of at most 150
characters; a section's text at most 3,000, its fields at most 10 of 2,000; a context block 1 to
10 elements. Teams (Workflows webhook): a `message` whose single attachment has content type
`application/vnd.microsoft.card.adaptive` and an AdaptiveCard of version 1.0 to 1.5, under
28 KB. When an Adaptive Card JSON schema is provided in ../shared/schemas-external/, the card
is also validated against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import REPO

SCHEMAS_EXTERNAL = REPO.parent / "shared" / "schemas-external"
"""Official schemas laid beside the checkout (never copied in); tests skip when one is absent."""
ADAPTIVE_CARD_SCHEMAS = ("adaptive-card.json", "adaptive-card-1.4.json", "adaptive-card.schema.json")

_SLACK_BLOCK_KEYS = {
    "header": {"type", "text", "block_id"},
    "section": {"type", "text", "fields", "block_id", "accessory"},
    "context": {"type", "elements", "block_id"},
    "divider": {"type", "block_id"},
}


def slack_problems(body: dict[str, Any]) -> list[str]:
    found = []
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        found.append("no plain-text fallback")
    blocks = body.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*found, "blocks: 1 to 50 expected"]
    for index, block in enumerate(blocks):
        found += [f"block {index}: {p}" for p in _slack_block(block)]
    return found


def _slack_block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind not in _SLACK_BLOCK_KEYS:
        return [f"unknown type {kind!r}"]
    extra = set(block) - _SLACK_BLOCK_KEYS[kind]
    if extra:
        return [f"unknown keys {sorted(extra)}"]
    if kind == "header":
        return _text_object(block["text"], 150, ("plain_text",))
    if kind == "section":
        return _text_object(block["text"], 3000, ("mrkdwn", "plain_text")) if "text" in block else []
    if kind == "context":
        elements = block["elements"]
        if not 1 <= len(elements) <= 10:
            return ["context: 1 to 10 elements"]
        return [p for e in elements for p in _text_object(e, 3000, ("mrkdwn", "plain_text"))]
    return []


def _text_object(obj: dict[str, Any], limit: int, kinds: tuple[str, ...]) -> list[str]:
    if obj.get("type") not in kinds:
        return [f"text type {obj.get('type')!r} not in {kinds}"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return ["empty text"]
    return [f"{len(text)} characters (at most {limit})"] if len(text) > limit else []


CARD_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")
_CARD_ELEMENTS = {"TextBlock": ("text",), "FactSet": ("facts",), "Container": ("items",)}


def teams_problems(body: dict[str, Any]) -> list[str]:
    if body.get("type") != "message":
        return ["type must be message"]
    attachments = body.get("attachments") or []
    if len(attachments) != 1 or attachments[0].get("contentType") != CARD_TYPE:
        return ["exactly one Adaptive Card attachment expected"]
    size = len(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    card = attachments[0].get("content") or {}
    found = [f"{size} bytes (at most 28 KB)"] if size > 28000 else []
    if card.get("type") != "AdaptiveCard" or card.get("version") not in CARD_VERSIONS:
        found.append("content must be an AdaptiveCard of version 1.0 to 1.5")
    for index, element in enumerate(card.get("body") or []):
        found += [f"body {index}: {p}" for p in _card_element(element)]
    return found


def _card_element(element: dict[str, Any]) -> list[str]:
    required = _CARD_ELEMENTS.get(element.get("type", ""))
    if required is None:
        return [f"unknown element {element.get('type')!r}"]
    missing = [key for key in required if key not in element]
    if missing:
        return [f"missing {missing}"]
    if element["type"] == "FactSet":
        facts = element["facts"]
        bad = [f for f in facts if not (isinstance(f.get("title"), str) and isinstance(f.get("value"), str))]
        return ["a fact needs string title and value"] if bad else []
    return [] if isinstance(element.get("text", ""), str) else ["text must be a string"]


def adaptive_card_schema() -> Path | None:
    """The Adaptive Card JSON schema from the shared folder, if someone put one there."""
    found = [SCHEMAS_EXTERNAL / name for name in ADAPTIVE_CARD_SCHEMAS]
    return next((path for path in found if path.is_file()), None)
