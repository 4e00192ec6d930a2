"""Loading a runbook fast: full validation once per file content, then a cached pass.

`library.load_runbook` runs the linter's blocking checks, which import the lint engine (most of
the start-up time of `runbook walk` and of rendering a small runbook). The runbook a responder
opens at 3 a.m. is almost always one that already passed, so a successful validation leaves a
marker named by the hash of the file's bytes, the schema and the engine version; the next load of
the same bytes only parses the YAML. Any edit to the file (or an upgrade) changes the key and
validates again. Markers live in `$RUNBOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/runbook-engine`,
else `~/.cache/runbook-engine`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from runbook_engine import __version__
from runbook_engine.loader import LoadError, load_bytes
from runbook_engine.model import Runbook, runbook_from_data
from runbook_engine.resources import SCHEMAS_DIR

CACHE_FOLDER = "validated"


def default_cache_dir() -> Path:
    explicit = os.environ.get("RUNBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "runbook-engine"


def load_validated(path: str | Path, cache_dir: Path | None = None) -> Runbook:
    """The runbook at `path`, validated in full unless these exact bytes passed before."""
    path = Path(path)
    cache_dir = default_cache_dir() if cache_dir is None else cache_dir
    try:
        raw = path.read_bytes()
    except OSError:
        return _validate(path, None)
    marker = cache_dir / CACHE_FOLDER / validation_key(raw)
    if marker.exists():
        try:
            return runbook_from_data(load_bytes(raw, str(path)).data, str(path))
        except LoadError:
            pass
    return _validate(path, marker)


def validation_key(raw: bytes) -> str:
    digest = hashlib.sha256(raw)
    digest.update(__version__.encode())
    digest.update((SCHEMAS_DIR / "runbook.schema.json").read_bytes())
    return digest.hexdigest()


def _validate(path: Path, marker: Path | None) -> Runbook:
    from runbook_engine.library import load_runbook

    runbook = load_runbook(path)
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(str(path) + "\n", encoding="utf-8")
        except OSError:
            pass
    return runbook
