"""Who holds the locks on a SQLite store, read from /proc/locks (Linux), for the "stayed locked" error.

SQLite cannot say which process holds its lock. Its locks are POSIX advisory locks on the store
file and its -wal/-shm files, and Linux lists those in /proc/locks by pid and inode; a stopped
process (Ctrl-Z) is the usual culprit, so its state is named too.
"""

from __future__ import annotations

import os
from pathlib import Path

_STATES = {"T": "stopped", "t": "stopped by a debugger", "D": "waiting on disk", "Z": "a zombie"}


def held_by(path: Path) -> str:
    """A short phrase naming the processes holding locks on the store, or why we cannot tell."""
    holders = lock_holders(path)
    if holders is None:
        return "which process holds it cannot be read here (no /proc/locks)"
    mine = os.getpid()
    others = [describe(pid) for pid in holders if pid != mine]
    return "held by " + "; ".join(others) if others else "no other process holds a lock on it now"


def lock_holders(path: Path) -> list[int] | None:
    """Pids with a lock on the store or its -wal/-shm files; None when /proc/locks is unreadable."""
    inodes = set()
    for suffix in ("", "-wal", "-shm"):
        try:
            inodes.add(Path(f"{path}{suffix}").stat().st_ino)
        except OSError:
            continue
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return None
    pids = {int(parts[4]) for parts in map(str.split, lines) if _locks_inode(parts, inodes)}
    return sorted(pids)


def _locks_inode(parts: list[str], inodes: set[int]) -> bool:
    if len(parts) < 6 or parts[1] == "->" or not parts[4].isdigit():
        return False
    inode = parts[5].rsplit(":", 1)[-1]
    return inode.isdigit() and int(inode) in inodes


def describe(pid: int) -> str:
    """`pid 1234 (runbook incident note ..., stopped)` from /proc."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return f"pid {pid}"
    shown = command.strip()[:80] or "?"
    return f"pid {pid} ({shown}" + (f", {_STATES[state]})" if state in _STATES else ")")
