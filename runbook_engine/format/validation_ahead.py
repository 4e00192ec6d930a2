"""Validating a runbook in a second process while the walk starts up.

A walk of a runbook whose bytes never passed before (no validation marker) must parse and check
it in full, and must also import prompt-toolkit and its own screen: two independent pieces of
work of similar size for a runbook of a few hundred nodes. On a machine with two or more cores
the validation runs in a forked child, which leaves the marker `load_validated` reads; the walk
meanwhile imports its screen, then waits for the child and loads the runbook from that marker,
exactly as on a warm start. Nothing is trusted that a warm start would not trust: the marker is
the same private file, written only after the same full validation. When the child could not
leave a marker (an invalid runbook, a crash, an interrupt), the walk validates here and reports
what it finds as it always did.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from pathlib import Path
from types import TracebackType

from runbook_engine.cache_dir import default_cache_dir, private_folder
from runbook_engine.format.model import Runbook
from runbook_engine.format.reading import ReadRefused, read_limited
from runbook_engine.format.validation_cache import load_validated, marker_path, validate_into


class ValidationAhead:
    """A context: `runbook()` is the validated runbook; leaving it early stops the child."""

    def __init__(self, path: str | Path, cache_dir: Path | None = None) -> None:
        self.path = Path(path)
        self.cache_dir = default_cache_dir() if cache_dir is None else cache_dir
        self.child: int | None = None
        self.read: tuple[bytes, Path] | None = None  # the file's bytes and marker, worked out once

    def __enter__(self) -> ValidationAhead:
        self.read = _bytes_and_marker(self.path, self.cache_dir)
        if self.read is not None and _worth_a_child(self.read[1]):
            self.child = _fork_validation(self.path, *self.read)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.child is not None:  # left before `runbook()`: the child's work is not wanted
            os.kill(self.child, signal.SIGTERM)
            self._reap()

    @property
    def running(self) -> bool:
        """Whether the validation runs in a child (the caller has time for other work)."""
        return self.child is not None

    def runbook(self) -> Runbook:
        """The runbook, once the child (if any) is done: from its marker, else validated here."""
        self._reap()
        return load_validated(self.path, self.cache_dir, self.read)

    def _reap(self) -> None:
        if self.child is None:
            return
        child, self.child = self.child, None
        with contextlib.suppress(ChildProcessError):  # already reaped by someone else
            os.waitpid(child, 0)


def _bytes_and_marker(path: Path, cache_dir: Path) -> tuple[bytes, Path] | None:
    """The file's bytes and their marker; None when the file cannot be read (the load that
    follows reports why)."""
    try:
        raw = read_limited(path)
    except (ReadRefused, OSError):
        return None
    return raw, marker_path(cache_dir, raw)


def _worth_a_child(marker: Path) -> bool:
    """No marker yet, a private cache folder (a marker elsewhere would not be read back) and a
    second core to run the child on."""
    return not marker.exists() and private_folder(marker.parent) and _cores() >= 2


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _fork_validation(path: Path, raw: bytes, marker: Path) -> int | None:
    """The child's pid; None where processes cannot fork (the caller then validates itself)."""
    if not hasattr(os, "fork"):
        return None
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which leaves by os._exit
        _validate_in_child(path, raw, marker)
    return child


def _validate_in_child(path: Path, raw: bytes, marker: Path) -> None:
    """Validate and leave the marker; never write to the terminal, never return."""
    status = 1
    try:
        gc.disable()  # the child exits right after: a collection could only find garbage to drop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        validate_into(path, raw, marker)
        status = 0
    finally:  # whatever went wrong: no marker, and the parent validates again and reports it
        os._exit(status)
