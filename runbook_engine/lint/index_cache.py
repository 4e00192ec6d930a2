"""Ids and node ids of the runbooks beside the linted files, kept between runs and checked before use.

Linting one file (the pre-commit case) resolves its links against every runbook in its folder;
parsing them all made a single-file lint grow with the size of the repository. Each folder's
entries are kept in one JSON file under the user cache folder, keyed by file name, and an entry
is used only when the file's size, mtime_ns, ctime_ns and inode are what they were when it was
read. A file changed within RACY_NS of that read may still show the same stat (coarse clocks),
so such entries are used only after their content hash matches too. Anything that does not
match is parsed again; a stale entry is never trusted, so it can never hide a finding.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from runbook_engine.cache_dir import default_cache_dir
from runbook_engine.findings import Position
from runbook_engine.format.files import runbook_names
from runbook_engine.format.loader import LoadError, load_bytes
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.index import IndexEntry

FORMAT = 1
RACY_NS = 2_000_000_000
"""Two seconds: the coarsest file-time granularity in common use (FAT)."""

Record = list[Any]
"""[size, mtime_ns, ctime_ns, inode, read_at_ns, blake2b, id or None, node ids]"""


def library_entries(
    folders: Iterable[Path], cache_dir: Path | None = None, *, skip: Iterable[Path] = ()
) -> Iterator[IndexEntry]:
    """Index entries (id and node ids) of the runbooks in `folders` but the files `skip` names (the
    linted ones, however spelt), from the cache where still valid, else parsed."""
    root = (default_cache_dir() if cache_dir is None else cache_dir) / "library-index"
    skipped = set(filter(None, map(_file_id, skip)))
    for folder in folders:
        yield from _folder_entries(root / _folder_key(folder), folder, skipped)


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _folder_key(folder: Path) -> str:
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:32] + ".json"


def _folder_entries(store: Path, folder: Path, skip: set[tuple[int, int]]) -> Iterator[IndexEntry]:
    """Plain strings and os.stat here: Path objects for thousands of files cost more than the check."""
    old, new, base = _read(store), {}, os.fspath(folder)
    for name in runbook_names(folder):
        path = f"{base}{os.sep}{name}"
        try:
            stat = os.stat(path)  # noqa: PTH116 - see the docstring
        except OSError:
            continue
        known = old.get(name)
        if (stat.st_dev, stat.st_ino) in skip:  # being linted: its entry comes from the lint itself
            new.update({name: known} if known is not None else {})
            continue
        record = _current(known, path, stat)
        if record is not None:
            new[name] = record
            if record[6] is not None:
                yield IndexEntry(path, record[6], Position(), node_ids=record[7])
    if new != old:
        _write(store, new)


def _current(record: Any, path: str, stat: os.stat_result) -> Record | None:
    """The record if the file is provably unchanged since it was read, else a fresh one."""
    known: Record | None = record if isinstance(record, list) and len(record) == 8 else None
    settled = max(stat.st_mtime_ns, stat.st_ctime_ns) < (known[4] if known else 0) - RACY_NS
    if known is not None and settled and _signature(stat) == known[:4]:
        return known
    return _fresh(path, known)


def _signature(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _fresh(path: str, known: Record | None) -> Record | None:
    """Read the file (stat first, so a change during the read shows as a new stat later); parse it
    only when its content hash differs from the known record's."""
    read_at = time.time_ns()
    try:
        stat = os.stat(path)  # noqa: PTH116 - strings, as in _folder_entries
        with open(path, "rb") as file:  # noqa: PTH123
            raw = file.read()
    except OSError:
        return None
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if known is not None and known[5] == digest:
        return [*_signature(stat), read_at, digest, known[6], known[7]]
    return [*_signature(stat), read_at, digest, *_ids(raw, str(path))]


def _ids(raw: bytes, name: str) -> tuple[str | None, str | None]:
    try:
        document = load_bytes(raw, name)
    except LoadError:
        return None, None
    if not isinstance(document.data, dict):
        return None, None
    runbook = RunbookContext(document).runbook
    return runbook.id, "\n".join(runbook.nodes)


def _read(store: Path) -> dict[str, Record]:
    try:
        content = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        return {}
    files = content.get("files")
    return files if isinstance(files, dict) else {}


def _write(store: Path, files: dict[str, Record]) -> None:
    """Written beside and renamed into place: a concurrent reader sees the old or the new index."""
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        partial = store.with_name(f"{store.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"format": FORMAT, "files": files}), encoding="utf-8")
        partial.replace(store)
    except OSError:
        return
