"""`runbook timeline show|tail|export|verify` in-process, including following another process."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.timeline.events import os_account
from tests.incident.cli_helpers import Cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def incident(cli: Cli) -> str:
    opened = cli.open()
    cli("incident", "note", opened, "error rate at 38% <b>now</b>")
    cli("incident", "hypothesis", opened, "bad", "release")
    return opened


def test_show_prints_human_lines(cli: Cli, incident: str) -> None:
    code, out, _ = cli("timeline", "show", incident, actor=None)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[2].endswith("@lee Hypothesis: bad release (H1)")


def test_tail_prints_the_last_lines(cli: Cli, incident: str) -> None:
    code, out, _ = cli("timeline", "tail", incident, "-n", "1", actor=None)
    assert code == 0 and out.splitlines() == [out.strip()] and "Hypothesis" in out


def test_export_formats(cli: Cli, incident: str, tmp_path: Path) -> None:
    code, out, _ = cli("timeline", "export", incident, "--format", "jsonl", actor=None)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[1]["payload"]["text"] == "error rate at 38% <b>now</b>"
    code, out, _ = cli("timeline", "export", incident, "--format", "json", actor=None)
    body = json.loads(out)
    assert body["incident_id"] == incident and len(body["events"]) == 3
    target = tmp_path / "timeline.md"
    code, out, _ = cli("timeline", "export", incident, "--format", "md", "-o", str(target), actor=None)
    text = target.read_text(encoding="utf-8")
    assert code == 0 and text.startswith(f"# Timeline of {incident}: Checkout failing")
    assert "&lt;b&gt;now&lt;/b&gt;" in text and "<b>" not in text


def test_verify_clean_then_tampered(cli: Cli, incident: str) -> None:
    code, out, _ = cli("timeline", "verify", actor=None)
    assert code == 0 and f"{incident}: ok, 3 events, hash chain intact" in out
    with sqlite3.connect(cli.store) as db:
        db.execute("DROP TRIGGER events_are_never_updated")
        db.execute(
            "UPDATE events SET payload = ? WHERE incident_id = ? AND seq = 2",
            (json.dumps({"text": "error rate at 3%"}), incident),
        )
    db.close()
    code, _, err = cli("timeline", "verify", incident, actor=None)
    assert code == 1
    assert f"{incident}: BROKEN at seq 2" in err
    code, _, err = cli("timeline", "verify", actor=None)
    assert code == 1 and "BROKEN at seq 2" in err


def test_unknown_incident_and_missing_store(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("timeline", "show", "INC-1", actor=None)
    assert code == 2 and "no incident store" in err
    cli.open()
    code, _, err = cli("timeline", "tail", "INC-1", actor=None)
    assert code == 2 and "no incident INC-1" in err


def test_follow_without_new_events_stops_at_the_timeout(cli: Cli, incident: str) -> None:
    args = ("--follow", "-n", "0", "--timeout", "0.2", "--interval", "0.05")
    code, out, _ = cli("timeline", "tail", incident, *args, actor=None)
    assert code == 0 and out == ""


@pytest.mark.slow
def test_follow_receives_a_line_appended_by_another_process(cli: Cli, incident: str) -> None:
    script = (
        "import time, sys\n"
        "from runbook_engine.cli.main import main\n"
        "time.sleep(0.5)\n"
        "sys.exit(main(['incident', 'note', sys.argv[1], 'from', 'the', 'other', 'terminal',"
        " '--store', sys.argv[2]]))\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, incident, str(cli.store)], cwd=REPO)
    try:
        args = ("--follow", "-n", "0", "--stop-after", "1", "--timeout", "30", "--interval", "0.05")
        code, out, _ = cli("timeline", "tail", incident, *args, actor=None)
    finally:
        assert writer.wait(timeout=30) == 0
    assert code == 0
    assert out.strip().endswith(f"@{os_account()} Note: from the other terminal")


@pytest.mark.slow
def test_ctrl_c_on_follow_exits_130(cli: Cli, incident: str) -> None:
    command = [sys.executable, "-m", "runbook_engine", "timeline", "tail", incident, "--follow",
               "--store", str(cli.store), "--interval", "0.05"]
    def as_in_a_terminal() -> None:  # a background job of a script starts with Ctrl-C ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          preexec_fn=as_in_a_terminal) as follower:
        assert follower.stdout is not None
        follower.stdout.readline()  # it is following once it has printed the tail
        follower.send_signal(signal.SIGINT)
        try:
            assert follower.wait(timeout=30) == 130
        finally:
            follower.kill()
