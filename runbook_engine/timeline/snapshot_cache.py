"""Folded-state snapshots kept in the user's own cache folder, never in the shared store.

A snapshot's state is not covered by the hash chain: only its seq and hash are checked against
it. Kept in the store, any account that can write there (every responder, on a team store)
could put in a state that names itself Incident Commander or shows its change approved, and
every other terminal's rules would believe it while `timeline verify` still passed. Kept here,
a snapshot is believed only when this account wrote it: the database is made 0600 in a 0700
folder, and one owned by someone else or writable by others is not read. The chain still
decides: a snapshot is used only while the event at its seq has its hash (`snapshot.resume`).

A cache, so every failure means "fold from the start": nothing here raises. (cache_dir.py says
which files and folders count as this account's.)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from runbook_engine.cache_dir import default_cache_dir, is_private_file, private_folder
from runbook_engine.policy import Policy
from runbook_engine.timeline import snapshot
from runbook_engine.timeline.snapshot import Snapshot
from runbook_engine.timeline.values import IncidentState

HashAt = Callable[[int], "str | None"]
"""The store's hash of the event at a seq (None when there is none)."""
FILE_NAME = "timeline-snapshots.sqlite3"
SCHEMA = """CREATE TABLE IF NOT EXISTS snapshots (
    store TEXT, incident_id TEXT, fingerprint TEXT, seq INT, hash TEXT, state TEXT,
    PRIMARY KEY (store, incident_id, fingerprint))"""


class PrivateSnapshots:
    """One store's snapshots in this account's cache: `resume` before folding, `offer` each state
    folded, and the newest is kept when the store closes (a walk's answers never wait for it)."""

    def __init__(self, store: str, policy: Policy, cache_dir: Path | None = None) -> None:
        self.store = store
        self.path = (default_cache_dir() if cache_dir is None else cache_dir) / FILE_NAME
        self.fingerprint = snapshot.fingerprint(policy)
        self.kept_seq: dict[str, int] = {}
        self._offered: dict[str, IncidentState] = {}
        self._db: sqlite3.Connection | None = None
        self._opened = False

    def resume(self, incident_id: str, head_seq: int, hash_at: HashAt) -> IncidentState | None:
        """The newest kept state at or before `head_seq` that still matches the chain, else None."""
        row = self._query(
            "SELECT seq, hash, state FROM snapshots WHERE store = ? AND incident_id = ? AND fingerprint = ?",
            (self.store, incident_id, self.fingerprint),
        )
        if row is None or not isinstance(row[0], int) or row[0] > head_seq:
            return None
        kept = Snapshot(incident_id, row[0], str(row[1]), self.fingerprint, str(row[2]))
        self.kept_seq[incident_id] = kept.seq
        return snapshot.resume(kept, hash_at(kept.seq), self.fingerprint)

    def offer(self, state: IncidentState) -> None:
        """A state as committed in the store (folded from it, or appended and committed)."""
        self._offered[state.incident_id] = state

    def keep_due(self) -> None:
        """Keep each offered state that is far enough past its incident's last snapshot."""
        for state in self._offered.values():
            self._keep(state)
        self._offered.clear()

    def close(self) -> None:
        self.keep_due()
        if self._db is not None:
            self._db.close()
            self._db = None

    def _keep(self, state: IncidentState) -> None:
        if not snapshot.due(state, self.kept_seq.get(state.incident_id, 0)):
            return
        taken = snapshot.take(state, self.fingerprint)
        if taken is None:
            return
        self.kept_seq[state.incident_id] = taken.seq
        row = (self.store, taken.incident_id, taken.fingerprint, taken.seq, taken.hash, taken.state)
        self._write("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?, ?)", row)

    def _query(self, sql: str, params: tuple[object, ...]) -> tuple[object, ...] | None:
        db = self._connection()
        if db is None:
            return None
        try:
            found: tuple[object, ...] | None = db.execute(sql, params).fetchone()
            return found
        except sqlite3.Error:
            return None

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        db = self._connection()
        if db is None:
            return
        try:
            with db:
                db.execute(sql, params)
        except sqlite3.Error:
            return

    def _connection(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            self._db = _open_private(self.path)
        return self._db


def _open_private(path: Path) -> sqlite3.Connection | None:
    """The cache database, made private on first use; None when it is not provably this account's."""
    try:
        if not private_folder(path.parent):
            return None
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            if not is_private_file(os.fstat(fd)):
                return None
        finally:
            os.close(fd)
        db = sqlite3.connect(path, timeout=0.5, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(SCHEMA)
        return db
    except (OSError, sqlite3.Error):
        return None
