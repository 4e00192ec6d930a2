"""The per-user cache folder: `$RUNBOOK_CACHE_DIR`, else platformdirs' user cache folder."""

from __future__ import annotations

import json
import os
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


def read_marker(marker: Path) -> Any:
    """The JSON a marker holds, or None when it is missing or unreadable (then the caller works it out)."""
    try:
        text = marker.read_text(encoding="utf-8")
        with gc_paused():  # a big runbook's data is ~100,000 acyclic values
            return json.loads(text)
    except (OSError, ValueError):
        return None


def write_marker(marker: Path, data: Any) -> None:
    """Written beside and renamed into place, so a reader never sees half a marker."""
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        partial = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(marker)
    except (OSError, TypeError, ValueError):
        return
