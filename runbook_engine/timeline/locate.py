"""Which store a location names: a `postgresql://` URL is the team store, anything else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from runbook_engine.errors import InputError
from runbook_engine.policy import Policy
from runbook_engine.timeline.pg_db import describe, is_url
from runbook_engine.timeline.sqlite_db import store_exists
from runbook_engine.timeline.store import SqliteStore, Store


def open_store(location: str | Path, policy: Policy | None = None, *, create: bool = False) -> Store:
    """The store at `location`; reading commands never create an empty SQLite file by accident.

    A team store is never created here: its schema comes from `runbook store init URL`."""
    text = str(location)
    if is_url(text):
        from runbook_engine.timeline.pg_store import PostgresStore

        return PostgresStore(text, policy)
    path = Path(location)
    if not create and not store_exists(path):
        raise InputError(
            f"no incident store at {path}",
            "open an incident first (runbook incident open ...), or point --store / RUNBOOK_STORE at one",
        )
    return SqliteStore(path, policy)


def exists(location: str | Path) -> bool:
    """Whether there may be incidents there (a server is asked when the store is opened)."""
    return is_url(str(location)) or store_exists(Path(location))


def shown(location: str | Path) -> str:
    """The location for messages: a URL without its password."""
    return describe(str(location)) if is_url(str(location)) else str(location)
