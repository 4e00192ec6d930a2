"""A command's argv as one line a person can copy into a shell: the one place commands are quoted.

Every place that shows a command (the walk screen, timeline lines, drill output, docs pages,
postmortems) uses `copyable`, so `;rm -rf /` or `$(...)` in an argument stays one inert word
when pasted. Words holding a newline, a tab or another control character are written in ANSI-C
form (`$'a\\nb'`, understood by bash, zsh and ksh): the line stays one line, faithful to the argv,
and carries no raw control character to the terminal.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from runbook_engine.terminal_text import BIDI_CONTROLS

_NAMED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def copyable(argv: Iterable[object]) -> str:
    """The argv as one shell line: each word quoted so the shell gives back exactly that word."""
    return " ".join(quote(str(word)) for word in argv)


def quote(word: str) -> str:
    if any(_special(char) for char in word):
        return "$'" + "".join(_ansi_c(char) for char in word) + "'"
    return shlex.quote(word)


def _special(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0 or char in BIDI_CONTROLS


def _ansi_c(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if _special(char):
        return f"\\u{code:04x}"
    return char
