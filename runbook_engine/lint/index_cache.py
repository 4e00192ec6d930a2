"""Ids and node ids of the runbooks beside the linted files, kept between runs and checked before use.

Linting one file (the pre-commit case) resolves its links against every runbook in its folder;
parsing them all made a single-file lint grow with the size of the repository. Each file's id
and node ids are kept in a small SQLite database in the user cache folder, and a row is used only
when the file's size, mtime_ns, ctime_ns and inode are what they were when it was read. A file
changed within RACY_NS of that read may still show the same stat (coarse clocks), so such rows
are used only after the content hash matches too. Anything that does not match is parsed again,
so a stale row never hides a finding. Every file is still stat'ed: only that proves it unchanged.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from runbook_engine.cache_dir import default_cache_dir
from runbook_engine.findings import Position
from runbook_engine.format.files import is_runbook_name
from runbook_engine.format.loader import LoadError, load_bytes
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.index import IndexEntry

FORMAT = 1
RACY_NS = 2_000_000_000
"""Two seconds: the coarsest file-time granularity in common use (FAT)."""
SCHEMA = """CREATE TABLE IF NOT EXISTS files (
    folder TEXT, name TEXT, size INT, mtime_ns INT, ctime_ns INT, ino INT, read_at_ns INT,
    digest TEXT, id TEXT, node_ids TEXT, PRIMARY KEY (folder, name))"""

Row = tuple[str, int, int, int, int, int, str | None]
"""name, size, mtime_ns, ctime_ns, inode, settled-before time, id (see _KNOWN)."""


def library_entries(
    folders: Iterable[Path], ids: Collection[str], cache_dir: Path | None = None, *, skip: Iterable[Path] = ()
) -> Iterator[IndexEntry]:
    """Entries of the runbooks in `folders` whose id is one of `ids`, but the files `skip` names (the
    linted ones, however spelt): from the cache where provably current, else parsed."""
    path = (default_cache_dir() if cache_dir is None else cache_dir) / "library-index.sqlite3"
    skipped = {(stat.st_dev, stat.st_ino) for stat in map(_stat, skip) if stat is not None}
    with _database(path) as db:
        for folder in folders:
            yield from _folder_entries(db, folder, set(ids), skipped)


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)  # noqa: PTH116 - plain strings: thousands of Path objects cost more
    except OSError:
        return None


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    """The cache database, or an in-memory one when the cache folder is unusable (nothing is kept)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = _open_or_replace(path)
    except (OSError, sqlite3.Error):
        db = _open(":memory:")
    try:
        yield db
        db.commit()
    finally:
        db.close()


def _open_or_replace(path: Path) -> sqlite3.Connection:
    try:
        return _open(str(path))
    except sqlite3.DatabaseError:  # not a database (damaged): it is only a cache
        path.unlink()
        return _open(str(path))


def _open(name: str) -> sqlite3.Connection:
    db = sqlite3.connect(name, timeout=5, isolation_level="DEFERRED")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            db.execute("DROP TABLE IF EXISTS files")
            db.execute(f"PRAGMA user_version = {FORMAT}")
        db.execute("PRAGMA synchronous = OFF")  # a cache: a lost write is only a re-read
        db.execute(SCHEMA)
    except sqlite3.Error:
        db.close()
        raise
    return db


def _folder_entries(
    db: sqlite3.Connection, folder: Path, ids: set[str], skip: set[tuple[int, int]]
) -> Iterator[IndexEntry]:
    key = str(folder.resolve())
    known = {row[0]: row for row in db.execute(_KNOWN, (RACY_NS, key))}
    found: list[IndexEntry] = []
    with os.scandir(folder) as listing:
        names = [(item.name, item.path) for item in listing if is_runbook_name(item.name) and item.is_file()]
    for name, path in names:
        runbook_id = _current_id(db, key, path, name, known.get(name), skip)
        if runbook_id in ids:
            found.append(_entry(db, key, path, name, runbook_id))
    gone = known.keys() - {name for name, _ in names}
    db.executemany("DELETE FROM files WHERE folder = ? AND name = ?", [(key, name) for name in gone])
    yield from sorted(found, key=lambda entry: entry.path)


_KNOWN = "SELECT name, size, mtime_ns, ctime_ns, ino, read_at_ns - ?, id FROM files WHERE folder = ?"
"""Each row with the time before which its file's times prove it settled (read_at - RACY_NS)."""


def _entry(db: sqlite3.Connection, key: str, path: str, name: str, runbook_id: str) -> IndexEntry:
    query = "SELECT node_ids FROM files WHERE folder = ? AND name = ?"
    (node_ids,) = db.execute(query, (key, name)).fetchone()
    return IndexEntry(path, runbook_id, Position(), node_ids=node_ids)


def _current_id(
    db: sqlite3.Connection, key: str, path: str, name: str, row: Row | None, skip: set[tuple[int, int]]
) -> str | None:
    """The file's runbook id, from its row when provably current, else read (and the row updated).

    Runs once per file of the folder, so the checks are spelt out rather than built as tuples."""
    stat = _stat(path)
    if stat is None or (stat.st_dev, stat.st_ino) in skip:
        return None
    if (
        row is not None
        and row[1] == stat.st_size
        and row[2] == stat.st_mtime_ns
        and row[3] == stat.st_ctime_ns
        and row[4] == stat.st_ino
        and stat.st_mtime_ns < row[5]
        and stat.st_ctime_ns < row[5]
    ):
        return row[6]
    return _refresh(db, key, path, name, row is not None)


def _refresh(db: sqlite3.Connection, key: str, path: str, name: str, known: bool) -> str | None:
    """Read the file (stat first, so a change during the read shows as a new stat later); parse it
    only when its content hash differs from the row's."""
    read_at = time.time_ns()
    try:
        stat = os.stat(path)  # noqa: PTH116
        with open(path, "rb") as file:  # noqa: PTH123
            raw = file.read()
    except OSError:
        return None
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    fresh = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, read_at)
    query = "SELECT id FROM files WHERE folder = ? AND name = ? AND digest = ?"
    row = db.execute(query, (key, name, digest)).fetchone() if known else None
    if row is not None:
        db.execute("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ?, read_at_ns = ? "
                   "WHERE folder = ? AND name = ?", (*fresh, key, name))
        return None if row[0] is None else str(row[0])
    runbook_id, node_ids = _ids(raw, path)
    db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (key, name, *fresh, digest, runbook_id, node_ids))
    return runbook_id


def _ids(raw: bytes, name: str) -> tuple[str | None, str | None]:
    try:
        document = load_bytes(raw, name)
    except LoadError:
        return None, None
    if not isinstance(document.data, dict):
        return None, None
    runbook = RunbookContext(document).runbook
    return runbook.id, "\n".join(runbook.nodes)
