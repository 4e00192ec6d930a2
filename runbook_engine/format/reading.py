"""Reading input files within bounds: regular files only, never more than the limit plus one byte.

Kept apart from the loader so the validation cache can read a runbook without importing `yaml`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 1024 * 1024
"""A runbook is a page of decisions, not a data dump: anything larger is refused before parsing."""


class ReadRefused(Exception):
    """A file we will not read: `code` is RB011 (unreadable, not a regular file) or RB009 (too large)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_limited(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises ReadRefused otherwise.

    The file is opened without blocking and checked with fstat before reading, so a FIFO never
    hangs us and a symlink to /dev/zero is refused rather than read until memory runs out.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ReadRefused("RB011", f"cannot read file: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ReadRefused("RB011", "not a regular file (a device, FIFO or folder)")
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise ReadRefused("RB011", f"cannot read file: {exc.strerror}") from None
    if len(raw) > limit:
        raise ReadRefused("RB009", f"file is over the limit of {limit} bytes")
    return raw


def read_text_limited(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """`read_limited` decoded as UTF-8; undecodable bytes raise ReadRefused RB002."""
    try:
        return read_limited(path, limit).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadRefused("RB002", f"byte {exc.start} is not valid UTF-8") from None
