"""The validation marker's bytes: a validated runbook's data, each node's JSON kept apart to parse later.

A warm walk of a 5,113-node runbook used to parse its whole 1 MiB marker (~75 M instructions,
half of what such a walk costs beyond a small one) to show a few of its nodes. The marker is one
line holding the CRC-32 of all that follows, one line of JSON (the runbook without its nodes,
the node ids and where each node's JSON ends), then every node's JSON, one after the other.
Reading checks the checksum and parses the JSON line; a node's JSON is parsed when the walk first
asks for the node. The checksum stands for that parse: bytes changed after the full validation
wrote them (a damaged disk, a hand edit) make the marker not believed, as JSON that no longer
parses did; only this account can write a marker it believes at all (cache_dir.py). A CRC-32
of 1 MiB takes ~0.3 ms here, a SHA-256 ~1 ms (and ~30 M instructions under callgrind).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Mapping
from itertools import accumulate
from typing import Any

from runbook_engine.format.model import node_data

Decoded = tuple[dict[str, Any], "EncodedNodes"]
_encode = json.JSONEncoder(ensure_ascii=False).encode
"""`json.dumps(..., ensure_ascii=False)` without making an encoder per node (a fifth of the cost)."""


def encode_marker(data: Mapping[str, Any]) -> bytes:
    """The marker for validated `data` (TypeError or ValueError when it is not JSON)."""
    nodes = node_data(data)
    texts = [_encode(fields).encode("utf-8") for fields in nodes.values()]
    head = {
        "data": {key: value for key, value in data.items() if key != "nodes"},
        "node_ids": list(nodes),
        "node_ends": list(accumulate(len(text) for text in texts)),
    }
    signed = json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(texts)
    return _checksum(signed) + b"\n" + signed


def decode_marker(raw: bytes) -> Decoded | None:
    """The runbook's data without its nodes, and its nodes parsed on demand; None for anything
    that is not a whole marker as `encode_marker` writes it."""
    digest, _, signed = raw.partition(b"\n")
    if digest != _checksum(signed):
        return None
    line, _, rest = signed.partition(b"\n")
    try:
        head = json.loads(line)
    except ValueError:
        return None
    if not isinstance(head, dict):
        return None
    data, ids, ends = head.get("data"), head.get("node_ids"), head.get("node_ends")
    if not (isinstance(data, dict) and isinstance(ids, list) and isinstance(ends, list)):
        return None
    if len(ids) != len(ends) or (ends[-1] if ends else 0) != len(rest):
        return None
    return data, EncodedNodes(dict(zip(ids, zip([0, *ends], ends, strict=False), strict=True)), rest)


def _checksum(signed: bytes) -> bytes:
    return b"%08x" % zlib.crc32(signed)


class EncodedNodes(Mapping[str, dict[str, Any]]):
    """Node data by id, each parsed from its bytes in the marker when asked for."""

    def __init__(self, spans: dict[str, tuple[int, int]], text: bytes) -> None:
        self._spans = spans
        self._text = text

    def __getitem__(self, node_id: str) -> dict[str, Any]:
        start, end = self._spans[node_id]
        fields: dict[str, Any] = json.loads(self._text[start:end])
        return fields

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)
