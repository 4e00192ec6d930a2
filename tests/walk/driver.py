"""Drive the real walk screen through a pipe input from a second thread, waiting on the timeline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from runbook_engine.walk.controller import Controller
from runbook_engine.walk.screen import WalkScreen
from runbook_engine.walk.session import WalkSession

TIMEOUT_S = 10.0


class Driver:
    """Types into the screen and waits for the session's state to reach a condition."""

    def __init__(self, pipe: PipeInput, session: WalkSession, controller: Controller) -> None:
        self.pipe = pipe
        self.session = session
        self.controller = controller

    def said(self, text: str) -> bool:
        return any(text in shown for _, shown in list(self.controller.messages))

    def type(self, *keys: str) -> None:
        for key in keys:
            self.pipe.send_text(key)
            time.sleep(0.05)

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.02)

    def at(self, node: str) -> None:
        self.wait(lambda: self.session.walker.position(self.session.state) == node, f"node {node}")


@contextmanager
def screen_for(session: WalkSession) -> Iterator[tuple[WalkScreen, PipeInput]]:
    with create_pipe_input() as pipe:
        screen = WalkScreen(Controller(session), input=pipe, output=DummyOutput(), poll_interval=0.05)
        yield screen, pipe


def drive(session: WalkSession, script: Callable[[Driver], None]) -> Controller:
    """Run the screen in this thread while `script` types from another; re-raises its failure."""
    failure: list[BaseException] = []
    with screen_for(session) as (screen, pipe):
        driver = Driver(pipe, session, screen.controller)

        def run_script() -> None:
            try:
                time.sleep(0.1)
                script(driver)
            except BaseException as exc:
                failure.append(exc)
            finally:
                pipe.send_text("\x03")

        thread = threading.Thread(target=run_script, daemon=True)
        thread.start()
        screen.run()
        thread.join(TIMEOUT_S)
    if failure:
        shown = "; ".join(text for _, text in screen.controller.messages)
        raise AssertionError(f"{failure[0]} (screen said: {shown})") from failure[0]
    return screen.controller
