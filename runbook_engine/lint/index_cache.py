"""Ids and node ids of the runbooks beside the linted files, kept between runs and checked before use.

Linting one file (the pre-commit case) resolves its links against every runbook in its folder;
parsing them all made a single-file lint grow with the size of the repository. The cache
(`library-index.sqlite3` in the user cache folder) keeps one listing per folder, written whole:
each runbook file's stat signature (size, mtime_ns, ctime_ns, inode) and the runbook id and content
digest read at that signature; beside it, per content digest, the id and node ids.

A listing entry is used only while the file's stat is exactly its signature. A file changed within
RACY_NS of being read may still show the same stat after another change (coarse clocks), so such
an entry is kept without a signature and the file is hashed again next time. Anything that does not
match is read again, so a stale listing never hides a finding; a listing is replaced whole, so one
run's entries are never paired with another run's signatures.

Every file is still stat'ed on every run: a folder's mtime changes when names are added, removed or
renamed, not when a file is rewritten in place (`>`, many editors, `git checkout`), so it cannot
vouch for its files. What the listing saves is the rest: when every stat matches (one comparison of
two dicts) nothing is read per file.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from runbook_engine.cache_dir import default_cache_dir, is_private_file, private_folder
from runbook_engine.findings import Position
from runbook_engine.format.files import DRILL_SUFFIXES, NOT_RUNBOOKS, YAML_SUFFIXES, is_runbook_name
from runbook_engine.format.loader import LoadError, load_bytes
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.index import IndexEntry

FORMAT = 4
RACY_NS = 2_000_000_000
"""Two seconds: the coarsest file-time granularity in common use (FAT)."""
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS folders (folder TEXT PRIMARY KEY, listing BLOB)",
    "CREATE TABLE IF NOT EXISTS contents (digest TEXT PRIMARY KEY, id TEXT, node_ids TEXT)",
)

NAME_RULES = (YAML_SUFFIXES, tuple(sorted(NOT_RUNBOOKS)), DRILL_SUFFIXES)
"""What makes a name a runbook's, stored with each listing: its names are not tested again."""

Signature = tuple[int, int, int, int]
"""size, mtime_ns, ctime_ns, inode."""
Files = dict[str, tuple[str | None, str]]
"""file name -> (runbook id or None, content digest)."""


def library_entries(
    folders: Iterable[Path], ids: Collection[str], cache_dir: Path | None = None, *, skip: Iterable[Path] = ()
) -> Iterator[IndexEntry]:
    """Entries of the runbooks in `folders` whose id is one of `ids`, but the files `skip` names (the
    linted ones, however spelt): from the cache where provably current, else read."""
    path = (default_cache_dir() if cache_dir is None else cache_dir) / "library-index.sqlite3"
    skipped = {(stat.st_dev, stat.st_ino) for stat in map(_stat, skip) if stat is not None}
    with _database(path) as db:
        for folder in folders:
            yield from _folder_entries(db, folder, frozenset(ids), skipped)


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)  # noqa: PTH116 - plain strings: thousands of Path objects cost more
    except OSError:
        return None


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    """The cache database, or an in-memory one when the cache folder is unusable (nothing is kept)."""
    try:
        _claim(path)
        db = _open_or_replace(path)
    except (OSError, sqlite3.Error):
        db = _open(":memory:")
    try:
        yield db
        db.commit()
    finally:
        db.close()


def _claim(path: Path) -> None:
    """Make the database 0600 if missing; OSError unless it and its folder are this account's
    alone (a planted index could hide a link's target: see cache_dir.py)."""
    if not private_folder(path.parent):
        raise OSError(f"{path.parent} may be written by others")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if not is_private_file(os.fstat(fd)):
            raise OSError(f"{path} is not this account's alone")
    finally:
        os.close(fd)


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
            for table in ("files", "folders", "contents"):  # `files` was format 1's
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute(f"PRAGMA user_version = {FORMAT}")
        db.execute("PRAGMA synchronous = OFF")  # a cache: a lost write is only a re-read
        for statement in SCHEMA:
            db.execute(statement)
    except sqlite3.Error:
        db.close()
        raise
    return db


def _folder_entries(
    db: sqlite3.Connection, folder: Path, ids: frozenset[str], skip: set[tuple[int, int]]
) -> Iterator[IndexEntry]:
    key = str(folder.resolve())
    signatures, files = _listing(db, key)
    current, skipped = _signatures(folder, skip, signatures)
    if current != signatures:
        files = _update(db, key, folder, (signatures, files), current, skipped)
    found = _wanted(files, ids, skipped)
    if found is None:  # a damaged listing: read the whole folder again
        files = _update(db, key, folder, ({}, {}), current, skipped)
        found = _wanted(files, ids, skipped) or []
    for name in sorted(found):
        entry = _entry(db, folder, name, files[name])
        if entry is not None and entry.id in ids:
            yield entry


def _listing(db: sqlite3.Connection, key: str) -> tuple[dict[str, Signature | None], Files]:
    """The folder's stored signatures and files, one marshalled pair (each name is stored once).

    As JSON, reading them back cost more than stat'ing 4,000 files (every nanosecond time is a
    19-digit number parsed from text). Only runbook-engine writes them, into the user's own cache
    folder, as the interpreter writes its bytecode cache (also marshal) into __pycache__; nothing
    read back is ever run, and damaged data only makes the folder read again.
    """
    row = db.execute("SELECT listing FROM folders WHERE folder = ?", (key,)).fetchone()
    try:
        rules, signatures, files = marshal.loads(row[0]) if row else (None, {}, {})  # noqa: S302
    except (ValueError, EOFError, TypeError):  # damaged (or not a triple): it is only a cache
        return {}, {}
    if rules != NAME_RULES or not isinstance(signatures, dict) or not isinstance(files, dict):
        return {}, {}
    return signatures, files


def _wanted(files: Files, ids: frozenset[str], skipped: set[str]) -> list[str] | None:
    """Names of the files whose id is wanted, or None when the stored files are damaged (only those
    used are checked in full: checking 4,000 entries cost as much as their signatures' tuples)."""
    try:
        found = [name for name, (runbook_id, _) in files.items() if runbook_id in ids and name not in skipped]
    except (TypeError, ValueError):
        return None
    return found if all(_is_file(files[name]) for name in found) else None


def _is_file(value: object) -> bool:
    """Whether a stored file entry has its shape: (id or None, digest)."""
    return (
        type(value) is tuple
        and len(value) == 2
        and (value[0] is None or type(value[0]) is str)
        and type(value[1]) is str
    )


def _signatures(
    folder: Path, skip: set[tuple[int, int]], known: dict[str, Signature | None]
) -> tuple[dict[str, Signature | None], set[str]]:
    """Every runbook file's signature, and the names of the linted files among them.

    A linted file stands in with its stored signature, or not at all: it is left out of the
    results and never read for the index (pre-commit lints files that just changed), and linting
    it must not make the folder look changed. A `known` name was a runbook's name when it was
    stored, so only new names are tested (the test cost a quarter of the loop)."""
    current: dict[str, Signature | None] = {}
    skipped: set[str] = set()
    inodes = {inode for _, inode in skip}  # an int test per file; the device only for a match
    with os.scandir(folder) as listing:
        for item in listing:
            name = item.name
            if not (name in known or is_runbook_name(name)) or not item.is_file():
                continue
            try:
                stat = item.stat()
            except OSError:
                continue
            if stat.st_ino in inodes and (stat.st_dev, stat.st_ino) in skip:
                skipped.add(name)
                if name in known:
                    current[name] = known[name]
                continue
            current[name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    return current, skipped


def _update(
    db: sqlite3.Connection,
    key: str,
    folder: Path,
    stored: tuple[dict[str, Signature | None], Files],
    current: dict[str, Signature | None],
    skipped: set[str],
) -> Files:
    """Read again every file whose signature changed (a linted one keeps its old entry, see
    _signatures), forget the files that are gone, and store the listing whole when it changed."""
    signatures, files = stored
    kept = {name: signature for name, signature in current.items() if signatures.get(name, ()) == signature}
    new_files: Files = {name: files[name] for name in kept if name in files}
    for name in sorted(current.keys() - kept.keys() - skipped):
        read = _read(db, os.path.join(folder, name))  # noqa: PTH118 - see _stat
        if read is not None:
            kept[name], new_files[name] = read[0], (read[1], read[2])
    if kept != signatures or new_files != files:
        listing = marshal.dumps((NAME_RULES, kept, new_files))
        db.execute("INSERT OR REPLACE INTO folders VALUES (?, ?)", (key, listing))
        _forget(db, files, new_files)
    return new_files


def _forget(db: sqlite3.Connection, old: Files, new: Files) -> None:
    """Drop the contents no file of the folder has any more (another folder with the same content
    only reads its file again)."""
    gone = {file[1] for file in old.values()} - {file[1] for file in new.values()}
    db.executemany("DELETE FROM contents WHERE digest = ?", [(digest,) for digest in gone])


def _read(db: sqlite3.Connection, path: str) -> tuple[Signature | None, str | None, str] | None:
    """(signature, or None while the file's last change is too recent to vouch for it; id; digest)
    of the file as read now. Stat first: a change during the read shows as a new stat next time."""
    read_at = time.time_ns()
    try:
        stat = os.stat(path)  # noqa: PTH116
        with open(path, "rb") as file:  # noqa: PTH123
            raw = file.read()
    except OSError:
        return None
    import hashlib  # only when a file is read again: a warm index never hashes

    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    row = db.execute("SELECT id FROM contents WHERE digest = ?", (digest,)).fetchone()
    if row is None:
        runbook_id, node_ids = _ids(raw, path)
        db.execute("INSERT OR REPLACE INTO contents VALUES (?, ?, ?)", (digest, runbook_id, node_ids))
    else:
        runbook_id = row[0]
    settled = read_at - RACY_NS
    racy = stat.st_mtime_ns >= settled or stat.st_ctime_ns >= settled
    signature = None if racy else (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    return signature, runbook_id, digest


def _entry(db: sqlite3.Connection, folder: Path, name: str, file: tuple[str | None, str]) -> IndexEntry | None:  # noqa: E501
    """The index entry of a current file; its node ids come by digest, so they are the content's
    whose id the listing holds (a missing row, e.g. another folder's update removed it, is read)."""
    path = os.path.join(folder, name)  # noqa: PTH118
    row = db.execute("SELECT id, node_ids FROM contents WHERE digest = ?", (file[1],)).fetchone()
    if row is None:
        read = _read(db, path)
        if read is None:
            return None
        row = db.execute("SELECT id, node_ids FROM contents WHERE digest = ?", (read[2],)).fetchone()
    runbook_id, node_ids = row
    return None if runbook_id is None else IndexEntry(path, runbook_id, Position(), node_ids=node_ids)


def _ids(raw: bytes, name: str) -> tuple[str | None, str | None]:
    try:
        document = load_bytes(raw, name)
    except LoadError:
        return None, None
    if not isinstance(document.data, dict):
        return None, None
    runbook = RunbookContext(document).runbook
    return runbook.id, "\n".join(runbook.nodes)
