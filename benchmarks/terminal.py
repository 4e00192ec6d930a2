"""A program in a pseudo-terminal whose screen is emulated (pyte), for timing what a person would see.

prompt-toolkit redraws only the cells that changed, so a marker never shows reliably in the raw
bytes. Every chunk read from the terminal is time-stamped as it arrives and fed to an emulated
screen; a wait ends at the arrival of the chunk after which the screen shows what was expected.
Cursor position requests are answered as a terminal would.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pyte

ROWS, COLUMNS = 40, 120


class _Screen(pyte.Screen):
    """A screen that sends its replies (cursor position reports) back to the program."""

    def __init__(self, reply: Callable[[str], object]) -> None:
        super().__init__(COLUMNS, ROWS)
        self._reply = reply

    def write_process_input(self, data: str) -> None:
        self._reply(data)


class Terminal:
    """`argv` running in a pty of ROWS x COLUMNS; `started` is the moment before the spawn."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> None:
        self.fd, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.screen = _Screen(lambda data: os.write(self.fd, data.encode()))
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=child, stdout=child, stderr=child, env=dict(env), cwd=cwd,
            start_new_session=True,  # killed as a group: no stray walk left behind
        )
        os.close(child)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def shows(self, *needles: str) -> Callable[[], bool]:
        return lambda: all(needle in self.text() for needle in needles)

    def wait(self, ready: Callable[[], bool], timeout: float = 30.0) -> float:
        """perf_counter time of the chunk after which `ready()` holds."""
        deadline = time.perf_counter() + timeout
        arrived = time.perf_counter()
        while not ready():
            left = deadline - time.perf_counter()
            ready_fds, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not ready_fds:
                raise TimeoutError(f"screen never showed what was expected:\n{self.text()}")
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                chunk = b""
            arrived = time.perf_counter()
            if not chunk:
                raise RuntimeError(f"the program ended; last screen:\n{self.text()}")
            self.stream.feed(chunk)
        return arrived

    def send(self, keys: str) -> float:
        sent = time.perf_counter()
        os.write(self.fd, keys.encode())
        return sent

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        os.close(self.fd)


def first_screen(
    argv: Sequence[str], env: Mapping[str, str], *needles: str, cwd: Path | None = None
) -> float:
    """Seconds from spawning `argv` (in `cwd`) until its screen shows every needle."""
    terminal = Terminal(argv, env, cwd)
    try:
        return terminal.wait(terminal.shows(*needles)) - terminal.started
    finally:
        terminal.close()
