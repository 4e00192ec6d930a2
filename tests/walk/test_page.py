"""The rows above the input line: fitted to the height, and drawn by prompt-toolkit into a terminal."""

from __future__ import annotations

import asyncio
import io

import pyte
from prompt_toolkit.application.current import set_app
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.layout.screen import Screen
from prompt_toolkit.output.vt100 import Vt100_Output

from runbook_engine.walk import page
from runbook_engine.walk.controller import Controller
from runbook_engine.walk.rows_container import cells_of
from runbook_engine.walk.screen import WalkScreen
from runbook_engine.walk.session import WalkSession
from tests.walk.conftest import World


def text(row: page.Row) -> str:
    return "".join(fragment[1] for fragment in row)


def fitted(body: int, choices: int, messages: int, height: int) -> list[str]:
    rows = page.fit(
        [("class:header", "HEAD")],
        [[("", f"body {n}")] for n in range(body)],
        [[("", f"choice {n}")] for n in range(choices)],
        page.last_messages([[("", f"message {n}")] for n in range(messages)]),
        height,
    )
    return [text(row) for row in rows]


def test_a_short_body_is_padded_so_the_choices_and_messages_stay_at_the_bottom() -> None:
    rows = fitted(body=2, choices=2, messages=3, height=10)
    assert rows == ["HEAD", "body 0", "body 1", "", "", "", "choice 0", "choice 1", "message 1", "message 2"]


def test_without_messages_a_blank_row_keeps_the_choices_off_the_input_line() -> None:
    assert fitted(body=1, choices=1, messages=0, height=4) == ["HEAD", "body 0", "choice 0", ""]


def test_a_long_body_is_cut_with_a_hint_that_it_goes_on() -> None:
    rows = fitted(body=30, choices=2, messages=1, height=8)
    cut = ["HEAD", "body 0", "body 1", "body 2", text(page.MORE)]
    assert rows == [*cut, "choice 0", "choice 1", "message 0"]


def test_on_a_tiny_screen_the_body_keeps_its_first_row_and_the_hint() -> None:
    rows = fitted(body=30, choices=9, messages=1, height=8)
    assert rows[:3] == ["HEAD", "body 0", text(page.MORE)] and len(rows) == 8
    assert rows[-1] == "message 0"


def test_scrolling_never_goes_past_the_last_row() -> None:
    body: list[page.Row] = [[("", "x")]] * 5
    assert page.clamp_scroll(99, body) == 4 and page.clamp_scroll(-3, body) == 0
    assert page.clamp_scroll(3, []) == 0


class Painted:
    """The walk screen drawn by prompt-toolkit's own renderer into an emulated terminal."""

    def __init__(self, session: WalkSession, columns: int, rows: int) -> None:
        self.controller = Controller(session)
        self.terminal = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.terminal)
        self.sink = io.StringIO()
        self.size = Size(rows, columns)
        self.screens: list[Screen] = []

    def draw(self, screen: WalkScreen) -> list[str]:
        screen.after_action()
        with set_app(screen.app):  # as Application._redraw does
            screen.app.render_counter += 1
            screen.app.renderer.render(screen.app, screen.app.layout)
            screen.app.after_render.fire()
        drawn = screen.app.renderer.last_rendered_screen
        assert drawn is not None
        self.screens.append(drawn)
        self.stream.feed(self.sink.getvalue())
        self.sink.seek(0)
        self.sink.truncate()
        return [line.rstrip() for line in self.terminal.display]

    def run(self, moves: list[tuple[str, str]]) -> list[list[str]]:
        """Each move (`pick KEY`, `submit TEXT`, `say TEXT`) then a drawing; the screens drawn."""

        async def paint() -> list[list[str]]:
            with create_pipe_input() as keys:
                output = Vt100_Output(self.sink, lambda: self.size, term="xterm-256color")
                screen = WalkScreen(self.controller, input=keys, output=output)
                shown = [self.draw(screen)]
                for move, argument in moves:
                    {"pick": self.controller.pick, "submit": self.controller.submit,
                     "say": self.controller.say}[move](argument)
                    shown.append(self.draw(screen))
                return shown

        return asyncio.run(paint())


def test_the_drawn_screen_has_header_node_choices_prompt_and_toolbar(world: World) -> None:
    session = world.session()
    session.begin()
    painted = Painted(session, 80, 24)
    (lines,) = painted.run([])
    assert lines[0].startswith(" Redis max connections reached") and lines[1].startswith(" CHECK ")
    assert painted.terminal.buffer[0][79].reverse  # the title bar spans the row
    assert lines[-7].startswith("What next?") and lines[-6].startswith("  1  at-limit")
    assert lines[-3] == ">" and world.incident_id in lines[-2]
    assert painted.terminal.buffer[23][79].reverse  # the toolbar's second row is part of the bar


def test_on_a_wide_screen_the_toolbar_takes_one_row(world: World) -> None:
    session = world.session()
    session.begin()
    painted = Painted(session, 120, 40)
    (lines,) = painted.run([])
    assert lines[-2] == ">" and world.incident_id in lines[-1] and lines[-6].startswith("What next?")
    assert painted.terminal.buffer[39][119].reverse and not painted.terminal.buffer[38][119].reverse


def test_each_drawing_shows_what_the_timeline_says_now(world: World) -> None:
    session = world.session()
    session.begin()
    screens = Painted(session, 80, 24).run(
        [("pick", "1"), ("submit", "ratio 1.0"), ("submit", "back"), ("submit", "help"), ("submit", "")]
    )
    _, asking, answered, back, helped, closed = ("\n".join(lines) for lines in screens)
    assert "Evidence (value or link" in asking and "Connections at limit?" in asking
    assert "CHECK  Who holds the connections?" in answered and "at-limit -> Who holds" in answered
    assert "CHECK  Connections at limit?" in back and "went back" in back
    assert "Commands (type them at any prompt)" in helped and "What next?" not in helped
    assert "What next?" in closed and "Commands" not in closed


def test_only_the_last_screen_drawn_keeps_its_cells_for_the_next_comparison(world: World) -> None:
    session = world.session()
    session.begin()
    painted = Painted(session, 80, 24)
    screens = painted.run([("pick", "1"), ("submit", "ratio 1.0"), ("submit", "back")])
    assert "CHECK  Connections at limit?" in "\n".join(screens[-1]) and "went back" in "\n".join(screens[-1])
    *before, last = painted.screens
    assert len(before) == 3 and all(not screen.data_buffer for screen in before)
    assert len(last.data_buffer) > 10


def test_a_body_too_long_for_the_screen_says_so_on_its_first_drawing(world: World) -> None:
    session = world.session()
    session.begin()
    (lines,) = Painted(session, 60, 14).run([])
    assert "  ... more below: PgDn (PgUp to go back)" in lines
    assert lines[-7].startswith("What next?")


def test_control_characters_in_messages_are_shown_as_text(world: World) -> None:
    session = world.session()
    session.begin()
    screens = Painted(session, 80, 24).run([("say", "pasted \x1b]0;PWNED\x07 here")])
    assert any("pasted ^[]0;PWNED^G here" in line for line in screens[-1])


def test_a_bar_breaks_where_a_row_is_full_and_pads_each_of_its_rows_to_the_edge() -> None:
    rows = page.bar([("class:a", "abcd"), ("class:b", "efg")], "class:bar", 5, 2)
    assert [text(row) for row in rows] == ["abcde", "fg   "]
    assert rows[0] == [("class:bar class:a", "abcd"), ("class:bar class:b", "e"), ("class:bar", "")]
    assert [text(row) for row in page.bar([("", "x" * 12)], "s", 5, 2)] == ["xxxxx", "xxxxx"]
    assert [text(row) for row in page.bar([("", "x")], "s", 3, 2)] == ["x  "]


def test_cells_take_wide_characters_as_two_columns_and_join_combining_ones() -> None:
    cells = cells_of([("class:x", "a\u5b57b"), ("", "e\u0301")], 6)
    assert [(x, cell.char) for x, cell in sorted(cells.items())] == [
        (0, "a"), (1, "\u5b57"), (2, ""), (3, "b"), (4, "e\u0301")
    ]
    assert cells[0].style == "class:x" and cells[4].style == ""
    assert sorted(cells_of([("", "ab\u5b57")], 3)) == [0, 1]  # a wide character that does not fit
