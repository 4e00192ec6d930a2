"""Text bound for a terminal: control characters and bidi overrides made visible, in one place.

A note, title or actor name is typed by a person or comes from a runbook; written raw to a
terminal, ESC/CSI/OSC sequences could retitle the window, write the clipboard (OSC 52), hide text
or move the cursor, and bidi overrides could make a line read differently from what it holds.
Every human-readable output (timeline lines, incident views, drill and lint reports, error
messages, the walk screen) passes through `visible`. C0 controls show in caret notation (`^[`),
as prompt-toolkit and `cat -v` do; C1 controls as `<9b>`; bidi controls as `<U+202E>`.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset(
    [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u200e", "\u200f", "\u061c"]
)
"""Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the marks LRM, RLM, ALM."""

BIDI_OVERRIDES = frozenset([*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])
"""The ones that reorder text (Trojan Source); lint warns about these in runbooks."""


def _caret(code: int) -> str:
    return "^?" if code == 0x7F else "^" + chr(code + 0x40)


def _table(keep: str) -> dict[int, str]:
    table = {code: _caret(code) for code in [*range(0x20), 0x7F] if chr(code) not in keep}
    table.update({code: f"<{code:02x}>" for code in range(0x80, 0xA0)})
    table.update({ord(char): f"<U+{ord(char):04X}>" for char in BIDI_CONTROLS})
    return table


_LINES = _table("\n\t")
# Every character these tables change is a control (Cc) or format (Cf) character, which
# `str.isprintable` rejects: printable text (nearly all) skips the per-character table lookup.
_ONE_LINE = _table("")


def visible(text: str) -> str:
    """`text` with every control character shown, keeping newlines and tabs."""
    return text if text.isprintable() else text.translate(_LINES)


def visible_line(text: str) -> str:
    """`text` with every control character shown, newlines and tabs too (for one-line fields)."""
    return text if text.isprintable() else text.translate(_ONE_LINE)


def has_bidi_override(text: str) -> bool:
    # isascii is O(1) in CPython and isdisjoint scans in C: lint asks this of every runbook's
    # whole source, where a per-character Python loop was the largest single cost of a lint.
    return not text.isascii() and not BIDI_OVERRIDES.isdisjoint(text)
