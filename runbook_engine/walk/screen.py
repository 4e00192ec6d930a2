"""The walk screen: a full-screen prompt-toolkit application over a `Controller`.

It takes `input` and `output` in its constructor (tests pass a pipe input and `DummyOutput`),
renders the controller's node view, form, panel and messages, and polls the store in a
background task so approvals and other terminals' events appear without a key press.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping
from dataclasses import fields
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import Completer, DynamicCompleter, WordCompleter
from prompt_toolkit.data_structures import Size
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.layout import Float, FloatContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import BufferControl
from prompt_toolkit.layout.menus import CompletionsMenu
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.layout.screen import Screen
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.utils import get_cwidth

from runbook_engine.errors import EngineError
from runbook_engine.terminal_text import visible_line
from runbook_engine.timeline.state import IncidentState
from runbook_engine.walk import commands, page, render
from runbook_engine.walk.bindings import load_walk_bindings
from runbook_engine.walk.controller import Controller
from runbook_engine.walk.rows_container import RowsContainer
from runbook_engine.walk.style import STYLE
from runbook_engine.walk.toolbar import toolbar
from runbook_engine.walk.view import NodeView

POLL_INTERVAL_S = 0.5
TOOLBAR_LINES = 2
"""The most rows the toolbar takes (its text wraps on a narrow screen)."""
SMALL_SCREEN = 10
"""Below this many rows the toolbar gets one row, leaving the rest to the node."""
MEMO_ENTRIES = 16
VIEW_FIELDS = tuple(field.name for field in fields(NodeView) if field.name != "node")
"""What a node's rows depend on besides the node (which is keyed by its id)."""


def color_depth(environ: Mapping[str, str]) -> ColorDepth | None:
    """No colour at all when NO_COLOR is set (https://no-color.org); else the terminal's own."""
    return ColorDepth.DEPTH_1_BIT if environ.get("NO_COLOR") else None


class WalkScreen:
    def __init__(
        self,
        controller: Controller,
        *,
        input: Input | None = None,
        output: Output | None = None,
        color_depth: ColorDepth | None = None,
        header: str = "",
        poll_interval: float = POLL_INTERVAL_S,
    ) -> None:
        self.controller = controller
        controller.spawn = self._spawn
        self.header = header
        self.poll_interval = poll_interval
        self.buffer = Buffer(
            multiline=False, completer=DynamicCompleter(self._completer), complete_while_typing=False
        )
        self._scroll = 0
        self._field: tuple[int, int] | None = None
        self._place: tuple[int, str] | None = None
        self._drawn: tuple[int, IncidentState, NodeView] | None = None
        self._sized: tuple[int, Size] | None = None
        self._rows: dict[Hashable, list[page.Row]] = {}
        self._bar: tuple[int, Hashable, list[page.Row]] | None = None
        runbook, name = controller.session.walker.runbook, controller.session.walker.name
        title = visible_line(f" {runbook.title}  ({runbook.id})  as @{name}")
        self._title = title + (f"   {header}" if header else "")
        self.app: Application[None] = Application(
            layout=self._layout(),
            key_bindings=load_walk_bindings(self),
            style=STYLE,
            full_screen=True,
            input=input,
            output=output,
            color_depth=color_depth,
        )
        self._drawn_screen: Screen | None = None
        self.app.after_render += self._release_screen

    # -- running -----------------------------------------------------------------------------

    def run(self) -> None:
        """Run until the person quits; every move is in the timeline before the screen changes."""
        self.after_action()
        self.app.run(pre_run=self._start_polling)

    def _start_polling(self) -> None:
        self.app.create_background_task(self._poll())

    async def _poll(self) -> None:
        """Wait on the store's doorbell (a team store rings on appends; SQLite is looked at every
        `poll_interval`), then pick up what is new; redraw either way, for the clocks shown."""
        bell = self.controller.session.service.store.doorbell()
        loop = asyncio.get_running_loop()
        try:
            while True:
                rung = await loop.run_in_executor(None, bell.wait, self.poll_interval)
                if rung or self.controller.offline:
                    self._tick()
                self.after_action()
        finally:
            bell.close()

    def _tick(self) -> None:
        try:
            self.controller.tick()
        except EngineError as exc:
            self.controller.say(exc.message, "error")

    def _spawn(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        async def task() -> None:
            result = await asyncio.get_running_loop().run_in_executor(None, work)
            done(result)
            self.after_action()

        self.app.create_background_task(task())

    def after_action(self) -> None:
        """Prefill a newly asked form field, leave when the person quit, and redraw."""
        form = self.controller.form
        field = (id(form), form.index) if form is not None else None
        if field != self._field:
            self._field = field
            self.buffer.reset()
            if form is not None:
                self.buffer.insert_text(form.current.default)
        if self.controller.retype is not None:
            self.buffer.reset()
            self.buffer.insert_text(self.controller.retype)
            self.controller.retype = None
        session = self.controller.session
        place = (id(self.controller.panel), session.walker.position(session.state))
        if place != self._place:
            self._place = place
            self._scroll = 0
        if self.controller.done and self.app.is_running:
            self.app.exit()
        self.app.invalidate()

    def scroll(self, lines: int) -> None:
        self._scroll = max(0, self._scroll + lines)
        self.app.invalidate()

    def _release_screen(self, app: Application[None]) -> None:
        """Empty the screen drawn before the last one: prompt-toolkit compares a drawing with the
        one before it only, but each screen stays in a reference cycle (a closure its input
        window makes), so its thousands of cells waited for the cycle collector, which then ran
        about every other drawing. Emptied, they are freed at once and the collector runs a
        third as often."""
        screen = app.renderer.last_rendered_screen
        if screen is self._drawn_screen:
            return
        if self._drawn_screen is not None:
            self._drawn_screen.data_buffer.clear()
            self._drawn_screen.zero_width_escapes.clear()
        self._drawn_screen = screen

    # -- layout ------------------------------------------------------------------------------

    def _layout(self) -> Layout:
        body = HSplit(
            [
                RowsContainer(self._page, self._page_height),
                # The prompt is drawn before the input by the buffer's own window: a row of two
                # windows would make prompt-toolkit share out its width column by column per draw.
                Window(BufferControl(self.buffer, input_processors=[BeforeInput(self._prompt)]), height=1),
                RowsContainer(self._toolbar_rows, self._toolbar_height),
            ]
        )
        menu = Float(xcursor=True, ycursor=True, content=CompletionsMenu(max_height=8))
        return Layout(FloatContainer(body, floats=[menu]), focused_element=self.buffer)

    def _completer(self) -> Completer:
        form = self.controller.form
        if form is not None:
            return WordCompleter(list(form.current.choices))
        return WordCompleter(commands.words(self.controller.session.view()), sentence=True)

    def _size(self) -> Size:
        """The terminal's size, asked once per drawing (every part is fitted to the same one)."""
        counter = self.app.render_counter
        if self._sized is None or self._sized[0] != counter:
            self._sized = (counter, self.app.output.get_size())
        return self._sized[1]

    def _toolbar_height(self) -> int:
        return len(self._toolbar_rows())

    def _page_height(self) -> int:
        """Every row the input line and the toolbar leave: the heights are all exact, so that
        prompt-toolkit has nothing to share out."""
        return max(0, self._size().rows - 1 - self._toolbar_height())

    def _page(self) -> list[page.Row]:
        """Header, body, choices and messages fitted to the rows above the input line."""
        size = self._size()
        width = max(20, size.columns - 1)
        body = self._body(width)
        self._scroll = page.clamp_scroll(self._scroll, body)
        choices = self._choices(width) if self.controller.panel is None else []
        messages = page.last_messages(self._messages(width))
        height = self._page_height()
        return page.fit(self._header(size.columns), body[self._scroll :], choices, messages, height)

    def _wrapped(self, key: Hashable, make: Callable[[], render.Fragments], width: int) -> list[page.Row]:
        """Rows made once for what they show: a drawing that shows the same node, panel or
        messages again reuses them instead of wrapping and sanitising the same text again."""
        rows = self._rows.get((key, width))
        if rows is None:
            if len(self._rows) >= MEMO_ENTRIES:
                del self._rows[next(iter(self._rows))]
            rows = self._rows[(key, width)] = page.rows_of(render.wrap(make(), width))
        return rows

    def _header(self, columns: int) -> page.Row:
        """The title bar, padded so that its style covers the whole row."""
        return [("class:header", self._title + " " * max(0, columns - get_cwidth(self._title)))]

    def _body(self, width: int) -> list[page.Row]:
        panel = self.controller.panel
        if panel is not None:
            title, lines = panel
            shown = [("class:section", title + "\n"), *(("", line + "\n") for line in lines)]
            return self._wrapped(("panel", title, tuple(lines)), lambda: shown, width)
        view, can_run = self._view(), self.controller.session.can_run
        key = ("node", view.node.id, *(getattr(view, name) for name in VIEW_FIELDS), can_run)
        return self._wrapped(key, lambda: render.node_body(view, can_run, width), width)

    def _choices(self, width: int) -> list[page.Row]:
        view = self._view()
        return self._wrapped(("choices", view.choices), lambda: render.choices_block(view), width)

    def _view(self) -> NodeView:
        """The node view, worked out once per drawing (the body and the choices both show it)."""
        counter, state = self.app.render_counter, self.controller.session.state
        drawn = self._drawn
        if drawn is None or drawn[0] != counter or drawn[1] is not state:
            drawn = self._drawn = (counter, state, self.controller.session.view())
        return drawn[2]

    def _messages(self, width: int) -> list[page.Row]:
        """The messages (and the command running), wrapped: the page shows the newest rows."""
        key = ("messages", tuple(self.controller.messages), self.controller.running)
        return self._wrapped(key, self._message_fragments, width)

    def _message_fragments(self) -> render.Fragments:
        fragments: render.Fragments = []
        for style, text in self.controller.messages:
            fragments += [(f"class:message.{style}", text), ("", "\n")]
        if self.controller.running:
            fragments += [("class:hint", f"running: {self.controller.running}"), ("", "\n")]
        return fragments[:-1]

    def _prompt(self) -> StyleAndTextTuples:
        form = self.controller.form
        return [("class:prompt", form.current.prompt if form is not None else "> ")]

    def _toolbar(self) -> StyleAndTextTuples:
        session = self.controller.session
        parts = toolbar(session.state, session.now(), session.walker.name)
        return [(style, visible_line(text)) for style, text in parts]

    def _toolbar_rows(self) -> list[page.Row]:
        """The toolbar as a reverse bar across the screen below the input line, in as many rows
        as its text needs (two at most, one on a small screen), worked out once per drawing."""
        counter, bar = self.app.render_counter, self._bar
        if bar is not None and bar[0] == counter:
            return bar[2]
        fragments = tuple((style, text) for style, text, *_ in self._toolbar())
        size = self._size()
        key = (fragments, size.columns, TOOLBAR_LINES if size.rows >= SMALL_SCREEN else 1)
        rows = bar[2] if bar is not None and bar[1] == key else page.bar(fragments, "class:toolbar", *key[1:])
        self._bar = (counter, key, rows)
        return rows
