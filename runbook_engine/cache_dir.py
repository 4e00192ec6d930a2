"""The per-user cache folder: `$RUNBOOK_CACHE_DIR`, else platformdirs' user cache folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from runbook_engine.gc_pause import gc_paused


def default_cache_dir() -> Path:
    """`$RUNBOOK_CACHE_DIR`, else the folder the platform expects: `$XDG_CACHE_HOME` or `~/.cache`
    on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows (no author folder)."""
    explicit = os.environ.get("RUNBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs  # only without RUNBOOK_CACHE_DIR; it costs a few ms of start-up

    return Path(platformdirs.user_cache_dir("runbook-engine", appauthor=False))


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
