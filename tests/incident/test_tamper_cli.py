"""Issue 11, point 12 and 13: tampering the verify command catches, documents that refuse a broken
chain, the logged recovery that carries a damaged incident on, and the stopped-writer lock message.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator

import pytest

from runbook_engine.timeline.store import SqliteStore
from tests.incident.cli_helpers import Cli

NOTES = 5


@pytest.fixture
def incident(cli: Cli) -> str:
    """Opened, then five notes: seq 1..6."""
    opened = cli.open()
    for number in range(NOTES):
        assert cli("incident", "note", opened, f"note {number}")[0] == 0
    return opened


def head(cli: Cli, incident: str) -> str:
    with SqliteStore(cli.store) as store:
        last = store.events(incident)[-1]
    return f"{last.seq}:{last.hash}"


def tamper(cli: Cli, *statements: str, params: tuple[object, ...] = ()) -> None:
    """By hand, as someone with the file would: the sqlite3 module, no foreign keys, no guards."""
    with sqlite3.connect(cli.store) as db:
        for name in ("events_are_never_updated", "events_are_never_deleted", "incidents_are_never_deleted"):
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            db.execute(statement, params if "?" in statement else ())


def test_a_truncated_tail_with_a_rewritten_head_is_caught_by_the_kept_head(cli: Cli, incident: str) -> None:
    kept = head(cli, incident)
    with SqliteStore(cli.store) as store:
        seq4 = store.events(incident)[3]
    tamper(cli, "DELETE FROM events WHERE seq > 4",
           "UPDATE incidents SET head_seq = 4, head_hash = ?", params=(seq4.hash,))
    assert cli("timeline", "verify", incident)[0] == 0  # the store alone cannot tell
    code, _, err = cli("timeline", "verify", incident, "--expect-head", kept)
    assert code == 1
    assert "BROKEN at seq 5" in err and "seen outside the store" in err


def test_a_rewritten_event_is_caught_by_the_kept_head_even_when_rehashed(cli: Cli, incident: str) -> None:
    kept = head(cli, incident)
    tamper(cli, "UPDATE events SET hash = ? WHERE seq = 6", params=("0" * 64,))
    code, _, err = cli("timeline", "verify", incident, "--expect-head", kept)
    assert code == 1 and "BROKEN at seq 6" in err


def test_the_kept_head_of_an_intact_chain_verifies(cli: Cli, incident: str) -> None:
    kept = head(cli, incident)
    assert cli("incident", "note", incident, "one more")[0] == 0
    code, out, _ = cli("timeline", "verify", incident, "--expect-head", kept)
    assert code == 0 and "holds seq 6" in out


@pytest.mark.parametrize(
    "anchor", ["6", "x:abc", "6:" + "g" * 64, "0:" + "a" * 64, "6:3fa9c2e1b0d", "6:" + "a" * 65]
)
def test_a_malformed_kept_head_is_a_usage_error(cli: Cli, incident: str, anchor: str) -> None:
    code, _, err = cli("timeline", "verify", incident, "--expect-head", anchor)
    assert code == 2 and "SEQ:HASH" in err


def test_deleted_incident_rows_leave_orphans_that_list_and_verify_report(cli: Cli, incident: str) -> None:
    tamper(cli, "DELETE FROM incidents")
    code, out, _ = cli("incident", "list")
    assert code == 0 and incident in out and "orphaned" in out
    code, _, err = cli("timeline", "verify")
    assert code == 1
    assert f"{incident}: BROKEN at seq 1: its events remain but its incident record was deleted" in err
    assert f"store: BROKEN: {incident}: events without an incident record" in err


def test_dropped_triggers_are_restored_and_reported(cli: Cli, incident: str) -> None:
    tamper(cli)
    code, _, err = cli("timeline", "verify")
    assert code == 0
    assert "append-only triggers were missing and were restored" in err
    with sqlite3.connect(cli.store) as db, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM events WHERE seq = 1")


@pytest.mark.parametrize(
    "argv",
    [("timeline", "export"), ("postmortem",), ("incident", "update")],
    ids=["export", "postmortem", "update"],
)
def test_documents_refuse_a_forged_note(cli: Cli, incident: str, argv: tuple[str, ...]) -> None:
    tamper(cli, "UPDATE events SET payload = ? WHERE seq = 3", params=('{"text":"forged"}',))
    code, out, err = cli(*argv, incident) if len(argv) == 2 else cli(argv[0], incident)
    assert code == 1, err
    assert "fails verification at seq 3" in err and "forged" not in out


@pytest.mark.parametrize("fmt", ["md", "json", "jsonl"])
def test_allow_broken_marks_the_export_where_nobody_can_miss_it(cli: Cli, incident: str, fmt: str) -> None:
    tamper(cli, "UPDATE events SET payload = ? WHERE seq = 3", params=('{"text":"forged"}',))
    code, out, err = cli("timeline", "export", incident, "--format", fmt, "--allow-broken")
    assert code == 0 and "UNVERIFIED" in err
    first = out.splitlines()[2] if fmt == "md" else out.splitlines()[0 if fmt == "jsonl" else 1]
    assert "UNVERIFIED" in first or "unverified" in first
    if fmt == "jsonl":
        assert json.loads(out.splitlines()[0])["unverified"]["first_bad_seq"] == 3


def test_postmortem_with_allow_broken_starts_with_the_warning(cli: Cli, incident: str) -> None:
    tamper(cli, "UPDATE events SET payload = ? WHERE seq = 3", params=('{"text":"forged"}',))
    code, out, _ = cli("postmortem", incident, "--allow-broken")
    assert code == 0 and out.startswith("> **UNVERIFIED: the timeline of")


def test_incident_show_warns_about_a_broken_chain(cli: Cli, incident: str) -> None:
    tamper(cli, "UPDATE events SET payload = ? WHERE seq = 3", params=('{"text":"forged"}',))
    code, _, err = cli("incident", "show", incident)
    assert code == 0 and "UNVERIFIED" in err and "seq 3" in err


def test_a_damaged_row_blocks_work_until_the_incident_is_continued(cli: Cli, incident: str) -> None:
    tamper(cli, "UPDATE events SET payload = '{broken' WHERE seq = 4")
    code, _, err = cli("incident", "note", incident, "still there?")
    assert code == 2 and "timeline continue" in err
    code, out, err = cli("timeline", "continue", incident, "--reason", "disk error on row 4")
    assert code == 0, err
    continued = out.splitlines()[0]
    assert continued != incident and "events 1..3 were copied" in out
    assert cli("incident", "note", continued, "carrying on")[0] == 0
    with SqliteStore(cli.store) as store:
        old, new = store.events(incident, 0, 3), store.events(continued)
        assert [(e.type, e.at, e.actor, e.payload) for e in new[:3]] == [
            (e.type, e.at, e.actor, e.payload) for e in old
        ]
        citation = str(new[3].payload["text"])
        assert f"Continued from {incident}" in citation and old[-1].hash in citation
        assert "disk error on row 4" in citation and new[3].actor.name == "lee"
        assert store.verify(continued).ok and store.verify(incident).first_bad_seq == 4
    with sqlite3.connect(cli.store) as db:  # nothing in the damaged incident was changed
        row = db.execute("SELECT payload FROM events WHERE incident_id = ? AND seq = 4", (incident,))
        assert row.fetchone() == ("{broken",)


def test_an_intact_incident_is_not_continued(cli: Cli, incident: str) -> None:
    code, _, err = cli("timeline", "continue", incident, "--reason", "just because")
    assert code == 1 and "nothing to continue" in err


@pytest.fixture
def stopped_writer(cli: Cli, incident: str) -> Iterator[int]:
    """A process that took the write lock and was then stopped, as Ctrl-Z does."""
    script = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGSTOP)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(cli.store)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"locked\n"
    try:
        yield proc.pid
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait(10)
        proc.stdout.close()


@pytest.mark.slow
def test_a_stopped_writer_is_named_in_the_lock_message(
    cli: Cli, incident: str, stopped_writer: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBOOK_BUSY_TIMEOUT", "0.5")
    code, _, err = cli("incident", "note", incident, "blocked")
    assert code == 2
    assert f"held by pid {stopped_writer}" in err and "stopped" in err
    assert "fuser -v" in err and "kill -CONT" in err
