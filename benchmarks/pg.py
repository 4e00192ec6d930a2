"""A PostgreSQL database for the benchmarks: RUNBOOK_BENCH_PG, or a throw-away cluster.

The cluster comes from scripts/pg_cluster with the server's default settings (fsync on), as a
team would run it, and is removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def postgres() -> Iterator[str]:
    """A database URL with the team store's schema in it."""
    given = os.environ.get("RUNBOOK_BENCH_PG")
    if given:
        yield given
        return
    directory = tempfile.mkdtemp(prefix="runbook-bench-pg.")
    cluster = str(REPO / "scripts" / "pg_cluster")
    try:
        url = subprocess.run(
            [cluster, "start", directory], check=True, capture_output=True, text=True
        ).stdout.strip()
        _init(url)
        yield url
    finally:
        subprocess.run([cluster, "remove", directory], check=False, capture_output=True)


def _init(url: str) -> None:
    from runbook_engine.timeline.pg_db import connect
    from runbook_engine.timeline.pg_schema import migrate

    with connect(url) as conn:
        migrate(conn)
