"""A store the OS will not let us write (an immutable file) gives exit 2 and says why, never exit 3."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator

import pytest

from tests.incident.cli_helpers import Cli


@pytest.fixture
def immutable(cli: Cli) -> Iterator[str]:
    """An incident whose store file then gets `chattr +i` (reading still works, writing cannot)."""
    incident = cli.open()
    with sqlite3.connect(cli.store) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(cli.store)]).returncode:
        pytest.skip("chattr +i is not available here (needs root and a file system with flags)")
    try:
        yield incident
    finally:
        subprocess.run(["chattr", "-i", str(cli.store)], check=True)


def test_a_note_on_an_immutable_store_is_exit_2_with_a_hint(cli: Cli, immutable: str) -> None:
    code, _, err = cli("incident", "note", immutable, "hello")
    assert code == 2, err
    assert "cannot be written" in err and "lsattr" in err and "internal error" not in err


def test_reading_an_immutable_store_still_works(cli: Cli, immutable: str) -> None:
    code, out, err = cli("incident", "show", immutable)
    assert code == 0, err
    assert immutable in out
