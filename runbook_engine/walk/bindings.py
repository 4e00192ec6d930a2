"""Key bindings of the walk screen, built by small factories, with their filters as Conditions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompt_toolkit.filters import Condition, Filter
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.key_bindings import KeyBindingsBase
from prompt_toolkit.key_binding.key_processor import KeyPressEvent

from runbook_engine.walk.view import ANSWER_KEYS

if TYPE_CHECKING:
    from runbook_engine.walk.screen import WalkScreen


def line_empty(screen: WalkScreen) -> Filter:
    return Condition(lambda: not screen.buffer.text)


def asking(screen: WalkScreen) -> Filter:
    """A form is open: keys type its answer instead of picking choices."""
    return Condition(lambda: screen.controller.form is not None)


def panel_open(screen: WalkScreen) -> Filter:
    return Condition(lambda: screen.controller.panel is not None)


def completing(screen: WalkScreen) -> Filter:
    return Condition(lambda: screen.buffer.complete_state is not None)


def load_choice_bindings(screen: WalkScreen) -> KeyBindings:
    """A number on an empty line picks that choice at once (no Enter needed)."""
    bindings = KeyBindings()
    ready = line_empty(screen) & ~asking(screen)

    def add(key: str) -> None:
        @bindings.add(key, filter=ready)
        def _(event: KeyPressEvent) -> None:
            if not screen.controller.pick(key):
                event.current_buffer.insert_text(key)
            screen.after_action()

    for key in ANSWER_KEYS:
        add(key)
    return bindings


def load_line_bindings(screen: WalkScreen) -> KeyBindings:
    """Enter submits the line; Enter in the completion menu takes the completion first."""
    bindings = KeyBindings()

    @bindings.add("enter", filter=completing(screen))
    def _take_completion(event: KeyPressEvent) -> None:
        state = event.current_buffer.complete_state
        if state is not None and state.current_completion is not None:
            event.current_buffer.apply_completion(state.current_completion)
        else:
            event.current_buffer.cancel_completion()

    @bindings.add("enter", filter=~completing(screen))
    def _submit(event: KeyPressEvent) -> None:
        text = event.current_buffer.text
        event.current_buffer.reset()
        screen.controller.submit(text)
        screen.after_action()

    @bindings.add("escape", eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        event.current_buffer.reset()
        screen.controller.cancel()
        screen.after_action()

    return bindings


def load_app_bindings(screen: WalkScreen) -> KeyBindings:
    """Quit keys and scrolling; quitting loses nothing because every move is already appended."""
    bindings = KeyBindings()

    @bindings.add("c-c")
    @bindings.add("c-d", filter=line_empty(screen))
    def _quit(event: KeyPressEvent) -> None:
        screen.controller.done = True
        screen.after_action()

    @bindings.add("pageup")
    def _up(event: KeyPressEvent) -> None:
        screen.scroll(-5)

    @bindings.add("pagedown")
    def _down(event: KeyPressEvent) -> None:
        screen.scroll(5)

    @bindings.add("?", filter=line_empty(screen) & ~asking(screen))
    def _help(event: KeyPressEvent) -> None:
        screen.controller.submit("help")
        screen.after_action()

    return bindings


def load_walk_bindings(screen: WalkScreen) -> KeyBindingsBase:
    return merge_key_bindings(
        [load_app_bindings(screen), load_line_bindings(screen), load_choice_bindings(screen)]
    )
