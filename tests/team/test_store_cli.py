"""`runbook store init|copy|check` and `timeline verify` against a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from runbook_engine.cli.main import main
from runbook_engine.timeline.pg_schema import latest_version, migrations
from tests.conftest import REPO
from tests.pg_server import PgServer, TeamDatabase
from tests.team.conftest import ALICE_LOGIN


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _owner_sql(team_db: TeamDatabase, statement: str) -> None:
    with psycopg.connect(team_db.owner_url, autocommit=True) as conn:
        conn.execute(statement.encode())


def test_init_twice_at_once_applies_each_migration_once(pg_server: PgServer) -> None:
    name = pg_server.new_database()
    url = pg_server.database_url(name)
    try:
        command = [sys.executable, "-m", "runbook_engine", "store", "init", url]
        procs = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [proc.communicate(timeout=60)[0] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0]
        assert sum("applied 0001 tables" in out for out in outputs) == 1
        assert sum("nothing to do" in out for out in outputs) == 1
        with psycopg.connect(url) as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM runbook.schema_migrations")]
        assert sorted(versions) == [m.version for m in migrations()]
    finally:
        pg_server.drop_database(name)


def test_init_wants_a_url(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "store", "init", str(tmp_path / "x.db"))
    assert code == 2 and "is not a postgresql:// URL" in err


def test_check_of_a_healthy_store_as_a_responder(
    capsys: pytest.CaptureFixture[str], team_db: TeamDatabase
) -> None:
    code, out, _ = run(capsys, "store", "check", team_db.url_as(ALICE_LOGIN))
    assert code == 0, out
    assert [line.split()[0] for line in out.splitlines()] == ["ok"] * 5
    assert f"as {ALICE_LOGIN}" in out and f"schema version {latest_version()}, current" in out
    assert "all 8 triggers in place" in out and "never update or delete" in out


def test_check_warns_about_the_owners_login(
    capsys: pytest.CaptureFixture[str], team_db: TeamDatabase
) -> None:
    code, out, _ = run(capsys, "store", "check", team_db.owner_url)
    assert code == 0
    assert "WARNING  login: postgres is a superuser" in out


@pytest.mark.parametrize(
    ("sabotage", "topic"),
    [
        ("ALTER TABLE runbook.events DISABLE TRIGGER events_are_never_deleted", "triggers"),
        ("DROP TRIGGER incidents_are_never_deleted ON runbook.incidents", "triggers"),
        ("GRANT DELETE ON runbook.events TO runbook", "grants"),
        ("GRANT UPDATE (payload) ON runbook.events TO runbook", "grants"),
    ],
)
def test_check_and_verify_find_a_weakened_store(
    capsys: pytest.CaptureFixture[str], team_db: TeamDatabase, sabotage: str, topic: str
) -> None:
    url = team_db.url_as(ALICE_LOGIN)
    assert run(capsys, "incident", "open", "Checkout", "failing", "--sev", "SEV-2", "--store", url)[0] == 0
    _owner_sql(team_db, sabotage)
    code, out, _ = run(capsys, "store", "check", url)
    assert code == 1
    assert f"PROBLEM  {topic}:" in out
    code, out, err = run(capsys, "timeline", "verify", "--store", url)
    assert code == 1
    assert "hash chain intact" in out and f"{topic}:" in err


def test_check_of_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "store", "check", "postgresql://nobody:pw@127.0.0.1:1/none")
    assert code == 1
    assert out.startswith("PROBLEM  connection: cannot reach the team store at 127.0.0.1:1/none")
    assert "pw" not in out


def test_copy_sqlite_to_postgresql_and_back_keeps_every_byte(
    capsys: pytest.CaptureFixture[str], team_db: TeamDatabase, tmp_path: Path
) -> None:
    sqlite, url, back = str(tmp_path / "shared.db"), team_db.url_as(ALICE_LOGIN), str(tmp_path / "back.db")
    incident = _an_incident(capsys, sqlite)
    code, out, _ = run(capsys, "store", "copy", sqlite, url)
    assert code == 0, out
    assert f"{incident}: copied: 4 events" in out and "verified on both sides" in out
    assert run(capsys, "store", "copy", url, back)[0] == 0
    exports = [_export(capsys, store, incident) for store in (sqlite, url, back)]
    assert exports[0] == exports[1] == exports[2]
    code, out, _ = run(capsys, "store", "copy", sqlite, url)
    assert code == 0 and f"{incident}: already there" in out
    assert run(capsys, "timeline", "verify", "--store", url)[0] == 0


def test_copy_refuses_a_broken_chain(
    capsys: pytest.CaptureFixture[str], team_db: TeamDatabase, tmp_path: Path
) -> None:
    import sqlite3

    sqlite = str(tmp_path / "shared.db")
    incident = _an_incident(capsys, sqlite)
    with sqlite3.connect(sqlite) as db:
        db.execute("DROP TRIGGER events_are_never_updated")
        db.execute('UPDATE events SET payload = \'{"text":"forged"}\' WHERE seq = 2')
    code, out, _ = run(capsys, "store", "copy", sqlite, team_db.url_as(ALICE_LOGIN))
    assert code == 1
    assert f"{incident}: refused: its chain is broken at seq 2" in out
    assert "0 of 1 incidents" in out


def _an_incident(capsys: pytest.CaptureFixture[str], store: str) -> str:
    code, out, err = run(
        capsys, "incident", "open", "Checkout", "failing", "--sev", "SEV-2", "--store", store
    )
    assert code == 0, err
    incident = out.split()[0]
    for text in ("p99 at 4s", 'ünïcode ✓ and "quotes"'):
        assert run(capsys, "incident", "note", incident, text, "--store", store)[0] == 0
    assert run(capsys, "incident", "assign", incident, "comms", "kim", "--store", store)[0] == 0
    return incident


def _export(capsys: pytest.CaptureFixture[str], store: str, incident: str) -> str:
    code, out, err = run(capsys, "timeline", "export", incident, "--format", "json", "--store", store)
    assert code == 0, err
    return out
