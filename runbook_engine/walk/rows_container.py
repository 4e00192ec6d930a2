"""A prompt-toolkit container that paints ready-made rows straight into the screen.

A `Window` copies its text into the screen character by character and registers a mouse handler
for every cell on every drawing. The walk's page is already wrapped and fitted (see page.py) and
the walk has no mouse support, so this container turns each distinct row into screen cells once
and copies them in one dictionary update per row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from prompt_toolkit.layout.containers import Container
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.mouse_handlers import MouseHandlers
from prompt_toolkit.layout.screen import Char, Screen, WritePosition

from runbook_engine.walk.page import Row

Cells = dict[int, Char]
MEMO_ROWS = 4096
"""Rows whose cells are kept: many screens' worth, emptied when full."""
BLANK = Char(" ", "")
EMPTY = Char("", "")
"""What covers the second column of a double-width character (as `Window` does)."""


class RowsContainer(Container):
    """Shows `rows()` from the top, one per screen row, `height()` rows high; no wrapping,
    scrolling, cursor or mouse handling (the rows are made to fit)."""

    def __init__(self, rows: Callable[[], Sequence[Row]], height: Callable[[], int]) -> None:
        self.rows = rows
        self.height = height
        self._cells: dict[tuple[object, ...], Cells] = {}

    def reset(self) -> None:
        pass

    def preferred_width(self, max_available_width: int) -> Dimension:
        return Dimension()

    def preferred_height(self, width: int, max_available_height: int) -> Dimension:
        return Dimension.exact(self.height())

    def get_children(self) -> list[Container]:
        return []

    def write_to_screen(
        self,
        screen: Screen,
        mouse_handlers: MouseHandlers,
        write_position: WritePosition,
        parent_style: str,
        erase_bg: bool,
        z_index: int | None,
    ) -> None:
        left, top, width = write_position.xpos, write_position.ypos, write_position.width
        for y, row in enumerate(self.rows()[: write_position.height]):
            line = screen.data_buffer[top + y]
            if erase_bg:
                line.update(dict.fromkeys(range(left, left + width), BLANK))
            cells = self._cells_of(row, width)
            line.update(cells if not left else {left + x: cell for x, cell in cells.items()})
        screen.height = max(screen.height, top + write_position.height)
        screen.fill_area(write_position, style=parent_style)  # nothing unless a parent is styled

    def _cells_of(self, row: Row, width: int) -> Cells:
        key = (width, *row)
        cells = self._cells.get(key)
        if cells is None:
            if len(self._cells) >= MEMO_ROWS:
                self._cells.clear()
            cells = self._cells[key] = cells_of(row, width)
        return cells


def cells_of(row: Row, width: int) -> Cells:
    """The screen cells of one row cut at `width` columns: a double-width character takes two
    columns, a zero-width one joins the character before it (as prompt-toolkit's `Window`)."""
    cells: Cells = {}
    x = 0
    for fragment in row:
        style, text = fragment[0], fragment[1]
        for char in text:
            cell = Char(char, style)
            if cell.width == 0:
                _join(cells, x, char)
                continue
            if x + cell.width > width:
                return cells
            cells[x] = cell
            if cell.width > 1:
                cells[x + 1] = EMPTY
            x += cell.width
    return cells


def _join(cells: Cells, x: int, char: str) -> None:
    """A combining character: part of the cell before it (two back after a wide character)."""
    for back in (2, 1):
        before = cells.get(x - back)
        if before is not None and before.width == back:
            cells[x - back] = Char(before.char + char, before.style)
            return
