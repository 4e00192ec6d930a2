"""The per-user cache folder: `$RUNBOOK_CACHE_DIR`, else platformdirs' user cache folder."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """`$RUNBOOK_CACHE_DIR`, else the folder the platform expects: `$XDG_CACHE_HOME` or `~/.cache`
    on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows (no author folder)."""
    explicit = os.environ.get("RUNBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs  # only without RUNBOOK_CACHE_DIR; it costs a few ms of start-up

    return Path(platformdirs.user_cache_dir("runbook-engine", appauthor=False))
