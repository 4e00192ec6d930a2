"""The rows the walk screen shows above its input line, fitted to the terminal's height (pure).

The screen paints them as ready-made rows (rows_container.py): prompt-toolkit then has one part to
place instead of one window per part, and no heights to share out row by row on each drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from prompt_toolkit.formatted_text import OneStyleAndTextTuple, StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.utils import get_cwidth

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
) -> list[Row]:
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
    return [header, *top, *picks, *shown][:height]


def bar(fragments: Iterable[tuple[str, str]], style: str, width: int, most: int) -> list[Row]:
    """A bar in `style` (under each fragment's own): the text broken wherever a row is full, as a
    wrapping window breaks it, at most `most` rows, each padded to the edge."""
    rows: list[Row] = [[]]
    used = [0]
    for own, text in fragments:
        for char in text:
            cells = get_cwidth(char)
            if used[-1] + cells > width:
                rows.append([])
                used.append(0)
            _put(rows[-1], f"{style} {own}", char)
            used[-1] += cells
    return [[*row, (style, " " * (width - taken))] for row, taken in zip(rows[:most], used, strict=False)]


def _put(row: Row, style: str, char: str) -> None:
    """Add a character to a row, in the row's last fragment when it has the same style."""
    if row and row[-1][0] == style:
        row[-1] = (style, row[-1][1] + char)
    else:
        row.append((style, char))
