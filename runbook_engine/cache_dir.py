"""The per-user cache folder: `$RUNBOOK_CACHE_DIR`, else platformdirs' user cache folder.

What the caches hold is believed without being worked out again: a validated runbook's data (the
walk shows and runs its commands), a policy that passed, the ids of a folder's runbooks (lint's
links), folded incident states (the rules). So a cache file is read only when it is provably
this account's alone: a regular file it owns that no one else may write, in a folder no one else
may write into (or a sticky one, where others cannot replace what is not theirs). Files and
folders are made 0600 and 0700. A shared `$RUNBOOK_CACHE_DIR` therefore only ever costs speed.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from runbook_engine.gc_pause import gc_paused


def default_cache_dir() -> Path:
    """`$RUNBOOK_CACHE_DIR`, else the folder the platform expects: `$XDG_CACHE_HOME` or `~/.cache`
    on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows (no author folder)."""
    explicit = os.environ.get("RUNBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    common = _linux_cache_dir()
    if common is not None:
        return common
    import platformdirs  # everywhere else: it costs ~6 % of a single-file lint's start-up

    return Path(platformdirs.user_cache_dir("runbook-engine", appauthor=False))


def _linux_cache_dir() -> Path | None:
    """platformdirs' answer on Linux in the common cases (an absolute $XDG_CACHE_HOME, else an
    absolute $HOME), without importing it; None for anything else (other systems, Android, relative
    or missing variables), which platformdirs decides."""
    if sys.platform != "linux" or "ANDROID_DATA" in os.environ:
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg:
        return Path(xdg, "runbook-engine") if os.path.isabs(xdg) else None  # noqa: PTH117
    home = os.environ.get("HOME", "")
    return Path(home.rstrip("/") or "/", ".cache", "runbook-engine") if os.path.isabs(home) else None  # noqa: PTH117


def private_folder(folder: Path) -> bool:
    """Make `folder` (0700) if missing; whether no other account can write into it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _folder_is_private(folder.stat())
    except OSError:
        return False


def is_private_file(found: os.stat_result) -> bool:
    """A regular file of this account that no one else may write."""
    if not stat.S_ISREG(found.st_mode):
        return False
    return os.name != "posix" or (
        found.st_uid == os.geteuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _folder_is_private(found: os.stat_result) -> bool:
    if os.name != "posix":
        return True
    shared = found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return found.st_uid == os.geteuid() and (not shared or bool(found.st_mode & stat.S_ISVTX))


def read_marker(marker: Path) -> Any:
    """The JSON a marker holds, or None when it is missing, unreadable or not provably this
    account's (then the caller works it out)."""
    raw = read_marker_bytes(marker)
    if raw is None:
        return None
    try:
        with gc_paused():  # a big runbook's data is ~100,000 acyclic values
            return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def read_marker_bytes(marker: Path) -> bytes | None:
    """The bytes of a marker, or None when it is missing, unreadable or not provably this account's."""
    try:
        if not _folder_is_private(marker.parent.stat()):
            return None
        fd = os.open(marker, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as stream:
            return stream.read() if is_private_file(os.fstat(stream.fileno())) else None
    except OSError:
        return None


def write_marker(marker: Path, data: Any) -> None:
    """`data` as JSON, as `write_marker_bytes` writes."""
    try:
        text = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        return
    write_marker_bytes(marker, text)


def write_marker_bytes(marker: Path, text: bytes) -> None:
    """Written (0600) beside and renamed into place, so a reader never sees half a marker; not
    at all into a folder others may write."""
    try:
        if not private_folder(marker.parent):
            return
        partial = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(text)
        partial.replace(marker)
    except OSError:
        return
