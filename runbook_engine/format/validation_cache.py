"""Loading a runbook fast: full validation once per file content, then a cached pass.

`library.load_runbook` runs the linter's blocking checks, which import the lint engine (most of
the start-up time of `runbook walk` and of rendering a small runbook). The runbook a responder
opens at 3 a.m. is almost always one that already passed, so a successful validation leaves a
marker named by the hash of the file's bytes, the schema and the engine version, holding the
loaded data as JSON (format/marker.py: each node's apart, parsed when first shown); the next
load of the same bytes reads that and never imports or runs the YAML parser. Any edit to the
file (or an upgrade) changes the key and validates again. Markers live in `$RUNBOOK_CACHE_DIR`,
else in platformdirs' user cache folder for runbook-engine (`$XDG_CACHE_HOME/runbook-engine` or
`~/.cache/runbook-engine` on Linux).
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from runbook_engine import __version__
from runbook_engine.cache_dir import default_cache_dir, read_marker_bytes, write_marker_bytes
from runbook_engine.format.marker import decode_marker, encode_marker
from runbook_engine.format.model import LazyNodes, Runbook, runbook_from_data
from runbook_engine.format.reading import ReadRefused, read_limited
from runbook_engine.resources import SCHEMAS_DIR

CACHE_FOLDER = "validated"
CACHE_FORMAT = b"data-json-2"
"""Part of the key: bump it when what a marker holds changes."""


def load_validated(
    path: str | Path, cache_dir: Path | None = None, read: tuple[bytes, Path] | None = None
) -> Runbook:
    """The runbook at `path`, validated in full unless these exact bytes passed before (`read`:
    the file's bytes and their marker, when the caller has worked them out already)."""
    path = Path(path)
    cache_dir = default_cache_dir() if cache_dir is None else cache_dir
    if read is None:
        try:
            raw = read_limited(path)
        except ReadRefused:
            return _validate(path, None, None)
        read = raw, marker_path(cache_dir, raw)
    raw, marker = read
    kept = read_marker_bytes(marker)
    decoded = None if kept is None else decode_marker(kept)
    if decoded is not None:
        data, nodes = decoded
        return runbook_from_data(data, str(path), nodes=LazyNodes(nodes))
    return _validate(path, raw, marker)


def marker_path(cache_dir: Path, raw: bytes) -> Path:
    """Where the marker of these exact bytes lives (present or not)."""
    return cache_dir / CACHE_FOLDER / validation_key(raw)


def validation_key(raw: bytes) -> str:
    digest = hashlib.sha256(raw)
    digest.update(__version__.encode())
    digest.update(CACHE_FORMAT)
    digest.update((SCHEMAS_DIR / "runbook.schema.json").read_bytes())
    return digest.hexdigest()


def validate_into(path: Path, raw: bytes | None, marker: Path | None) -> Any:
    """Validate `raw` (the bytes `marker` is keyed by; None: read `path`) in full and leave the
    marker; the loaded data, or RunbookInvalid."""
    from runbook_engine.format.library import checked_document

    document = checked_document(path, raw)
    if marker is not None:
        with contextlib.suppress(TypeError, ValueError):  # data JSON cannot hold: no marker
            write_marker_bytes(marker, encode_marker(document.data))
    return document.data


def _validate(path: Path, raw: bytes | None, marker: Path | None) -> Runbook:
    return runbook_from_data(validate_into(path, raw, marker), str(path), lazy=True)
