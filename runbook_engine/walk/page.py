"""The rows the walk screen shows above its input line, fitted to the terminal's height (pure).

The screen draws them as one window of ready-made rows: prompt-toolkit then has one window to
lay out and copy instead of one per part, and no heights to share out row by row on each drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prompt_toolkit.formatted_text import OneStyleAndTextTuple, StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines

Row = StyleAndTextTuples
MESSAGE_LINES = 2
BODY_ROWS = 2
"""The least the body keeps when the choices crowd it: its first row and the hint below."""
MORE: Row = [("class:hint", "  ... more below: PgDn (PgUp to go back)")]


def rows_of(fragments: Iterable[OneStyleAndTextTuple]) -> list[Row]:
    """Styled text cut into rows at its newlines."""
    return list(split_lines(fragments))


def last_messages(rows: Sequence[Row]) -> list[Row]:
    """The newest message rows that fit, newest at the bottom; a blank row when there are none
    (it keeps the choices apart from the input line)."""
    return list(rows[-MESSAGE_LINES:]) or [[]]


def clamp_scroll(scroll: int, body: Sequence[Row]) -> int:
    """A scroll position that still shows at least the body's last row."""
    return min(max(0, scroll), max(0, len(body) - 1))


def fit(
    header: Row, body: Sequence[Row], choices: Sequence[Row], messages: Sequence[Row], height: int
) -> Row:
    """`height` rows: the header, the body (from its scroll position, with a hint when it goes on
    below), then the choices and the messages at the bottom.

    The choices and messages keep their rows before the body gets any (they are what the walker
    acts on); the body takes the rest, and is padded so that the choices stay at the bottom."""
    shown = list(messages)[: max(0, height - 1)]
    picks = list(choices)[: max(0, height - 1 - len(shown) - min(BODY_ROWS, len(body)))]
    room = max(0, height - 1 - len(shown) - len(picks))
    top = list(body[:room])
    if len(body) > room >= 2:
        top = [*body[: room - 1], MORE]
    top += [[] for _ in range(room - len(top))]
    rows = [header, *top, *picks, *shown][:height]
    out: Row = []
    for number, row in enumerate(rows):
        out += [*row, ("", "\n")] if number < len(rows) - 1 else row
    return out
