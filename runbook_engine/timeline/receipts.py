"""Receipts: a timeline head (`SEQ:HASH`) kept outside the store, checked against the chain.

Every status update posted to chat ends with the head at that moment. Later, anyone holding the
chat message can ask whether the store still holds that event with that hash, in an intact
chain: if an earlier event was rewritten and the chain recomputed, the hash at SEQ changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runbook_engine.timeline.chain import VerifyReport
from runbook_engine.timeline.events import Event

MIN_HASH_DIGITS = 8
_HEAD = re.compile(r"^\s*#?([0-9]+)\s*:\s*([0-9a-fA-F]+)\s*$")


@dataclass(frozen=True)
class Head:
    seq: int
    hash_prefix: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash_prefix}"


def parse_head(text: str) -> Head:
    """`SEQ:HASH` (at least 8 hex digits of the hash); ValueError saying what is wrong."""
    match = _HEAD.match(text)
    if match is None or int(match[1]) < 1:
        raise ValueError(f"{text!r} is not SEQ:HASH (e.g. 7:3fa9c2e1b0d4)")
    if len(match[2]) < MIN_HASH_DIGITS:
        raise ValueError(f"{text!r}: give at least {MIN_HASH_DIGITS} hex digits of the hash")
    return Head(int(match[1]), match[2].lower())


def receipt_problem(report: VerifyReport, anchored: Event | None, head: Head) -> str | None:
    """Why the receipt does not hold (None when it does): the chain is broken, or SEQ is missing
    from it, or the event at SEQ has another hash than the receipt says."""
    if not report.ok:
        return f"the chain is broken at seq {report.first_bad_seq}: {report.reason}"
    if anchored is None:
        return f"the chain has no seq {head.seq} (it has {report.events_checked} events)"
    if not anchored.hash.startswith(head.hash_prefix):
        return (
            f"seq {head.seq} has hash {anchored.hash[:len(head.hash_prefix)]}, not {head.hash_prefix}: "
            "the timeline up to it is not the one the receipt was taken from"
        )
    return None
