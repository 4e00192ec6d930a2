"""The walk screen: a full-screen prompt-toolkit application over a `Controller`.

It takes `input` and `output` in its constructor (tests pass a pipe input and `DummyOutput`),
renders the controller's node view, form, panel and messages, and polls the store in a
background task so approvals and other terminals' events appear without a key press.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.completion import Completer, DynamicCompleter, WordCompleter
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.input import Input
from prompt_toolkit.layout import (
    ConditionalContainer,
    Float,
    FloatContainer,
    HSplit,
    Layout,
    Window,
)
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.layout.menus import CompletionsMenu
from prompt_toolkit.layout.processors import BeforeInput
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style

from runbook_engine.errors import EngineError
from runbook_engine.terminal_text import visible_line
from runbook_engine.timeline.state import IncidentState
from runbook_engine.walk import commands, render
from runbook_engine.walk.bindings import load_walk_bindings, panel_open
from runbook_engine.walk.controller import Controller
from runbook_engine.walk.toolbar import toolbar
from runbook_engine.walk.view import NodeView

POLL_INTERVAL_S = 0.5
MESSAGE_LINES = 2
MORE = "  ... more below: PgDn (PgUp to go back)"

STYLE = Style.from_dict(
    {
        "header": "reverse bold",
        "kind": "reverse bold",
        "title": "bold",
        "badge.safe": "bg:ansigreen fg:ansiblack bold",
        "badge.risky": "bg:ansiyellow fg:ansiblack bold reverse",
        "badge.irreversible": "bg:ansired fg:ansiwhite bold reverse",
        "label": "bold",
        "section": "bold underline",
        "command": "fg:ansicyan",
        "link": "fg:ansiblue underline",
        "ok": "fg:ansigreen bold",
        "missing": "fg:ansired bold",
        "notice": "fg:ansired bold",
        "change": "bold",
        "hint": "italic",
        "key": "reverse bold",
        "answer": "bold",
        "message.info": "",
        "message.error": "fg:ansired bold",
        "message.warning": "fg:ansiyellow bold",
        "message.event": "fg:ansimagenta",
        "prompt": "bold",
        "toolbar": "reverse",
        "toolbar.incident": "reverse bold",
        "toolbar.sev": "reverse bold",
        "toolbar.sev1": "bg:ansired fg:ansiwhite bold",
        "toolbar.overdue": "bg:ansired fg:ansiwhite bold",
        "toolbar.change": "reverse bold",
        "toolbar.pending": "bg:ansiyellow fg:ansiblack bold",
        "toolbar.phase": "reverse bold",
        "toolbar.sep": "reverse",
    }
)


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
        """The panel and node shown: scrolling starts again at the top when either changes."""
        self.app: Application[None] = Application(
            layout=self._layout(),
            key_bindings=load_walk_bindings(self),
            style=STYLE,
            full_screen=True,
            input=input,
            output=output,
            color_depth=color_depth,
        )

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

    def frame(self) -> list[StyleAndTextTuples]:
        """The text of every part of the screen as it would be drawn now (for measuring)."""
        parts = (self._header, self._body, self._choices, self._messages, self._prompt, self._toolbar)
        return [part() for part in parts]

    def scroll(self, lines: int) -> None:
        self._scroll = max(0, self._scroll + lines)
        self.app.invalidate()

    # -- layout ------------------------------------------------------------------------------

    def _clipped(self) -> bool:
        info = self.body_window.render_info
        return info is not None and info.content_height > info.window_height

    def _layout(self) -> Layout:
        self.body_window = Window(FormattedTextControl(self._body), wrap_lines=True)
        narrow = Dimension(min=1, max=2)
        body = HSplit(
            [
                Window(FormattedTextControl(self._header), height=1, style="class:header"),
                self.body_window,
                ConditionalContainer(
                    Window(FormattedTextControl(MORE), height=1, style="class:hint"),
                    filter=Condition(self._clipped),
                ),
                ConditionalContainer(
                    Window(FormattedTextControl(self._choices), wrap_lines=True, dont_extend_height=True),
                    filter=~panel_open(self),
                ),
                Window(
                    FormattedTextControl(self._messages),
                    wrap_lines=True,
                    height=Dimension(max=MESSAGE_LINES),
                    dont_extend_height=True,
                ),
                # The prompt is drawn before the input by the buffer's own window: a row of two
                # windows would make prompt-toolkit share out its width column by column per draw.
                Window(BufferControl(self.buffer, input_processors=[BeforeInput(self._prompt)]), height=1),
                Window(
                    FormattedTextControl(self._toolbar),
                    wrap_lines=True,
                    height=narrow,
                    style="class:toolbar",
                ),
            ]
        )
        menu = Float(xcursor=True, ycursor=True, content=CompletionsMenu(max_height=8))
        return Layout(FloatContainer(body, floats=[menu]), focused_element=self.buffer)

    def _completer(self) -> Completer:
        form = self.controller.form
        if form is not None:
            return WordCompleter(list(form.current.choices))
        return WordCompleter(commands.words(self.controller.session.view()), sentence=True)

    def _header(self) -> StyleAndTextTuples:
        session = self.controller.session
        text = f" {session.walker.runbook.title}  ({session.walker.runbook.id})  as @{session.walker.name}"
        return [("", visible_line(text) + (f"   {self.header}" if self.header else ""))]

    def _body(self) -> StyleAndTextTuples:
        panel = self.controller.panel
        fragments: render.Fragments
        if panel is not None:
            title, lines = panel
            fragments = [("class:section", title + "\n")]
            fragments += [("", line + "\n") for line in lines]
        else:
            session = self.controller.session
            fragments = list(render.node_body(self._view(), session.can_run, self._width()))
        rows = list(split_lines(render.wrap(fragments, self._width())))
        self._scroll = min(self._scroll, max(0, len(rows) - 1))
        visible: StyleAndTextTuples = []
        for row in rows[self._scroll :]:
            visible += [*row, ("", "\n")]
        return visible

    def _choices(self) -> StyleAndTextTuples:
        return list(render.wrap(render.choices_block(self._view()), self._width()))

    def _view(self) -> NodeView:
        """The node view, worked out once per drawing (the body and the choices both show it)."""
        counter, state = self.app.render_counter, self.controller.session.state
        drawn = self._drawn
        if drawn is None or drawn[0] != counter or drawn[1] is not state:
            drawn = self._drawn = (counter, state, self.controller.session.view())
        return drawn[2]

    def _width(self) -> int:
        return max(20, self.app.output.get_size().columns - 1)

    def _messages(self) -> StyleAndTextTuples:
        """The newest messages, wrapped, keeping only the lines that fit (newest at the bottom)."""
        fragments: render.Fragments = []
        for style, text in self.controller.messages:
            fragments += [(f"class:message.{style}", text), ("", "\n")]
        if self.controller.running:
            fragments += [("class:hint", f"running: {self.controller.running}"), ("", "\n")]
        rows = list(split_lines(render.wrap(fragments[:-1], self._width())))
        shown: StyleAndTextTuples = []
        for row in rows[-MESSAGE_LINES:]:
            shown += [*row, ("", "\n")]
        return shown[:-1]

    def _prompt(self) -> StyleAndTextTuples:
        form = self.controller.form
        return [("class:prompt", form.current.prompt if form is not None else "> ")]

    def _toolbar(self) -> StyleAndTextTuples:
        session = self.controller.session
        parts = toolbar(session.state, session.now(), session.walker.name)
        return [(style, visible_line(text)) for style, text in parts]
