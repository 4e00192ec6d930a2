"""The floor for the walk benchmark: the least a prompt-toolkit full-screen app can do.

Import, build one window, draw it ("FLOOR 0"); each Enter redraws it with the count of Enters.
Nothing a real screen could skip is left out, and nothing else is added.
"""

from __future__ import annotations

from prompt_toolkit import Application
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout
from prompt_toolkit.layout.containers import Window
from prompt_toolkit.layout.controls import FormattedTextControl

presses = 0
bindings = KeyBindings()


@bindings.add("enter")
def _enter(event: KeyPressEvent) -> None:
    global presses
    presses += 1


@bindings.add("c-c")
def _quit(event: KeyPressEvent) -> None:
    event.app.exit()


window = Window(FormattedTextControl(lambda: f"FLOOR {presses}"))
Application(layout=Layout(window), key_bindings=bindings, full_screen=True).run()
