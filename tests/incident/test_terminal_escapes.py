"""Escape sequences typed into notes, titles and names never reach the terminal raw.

Every human output of the CLI is checked for raw C0/C1 controls and bidi overrides: timeline show,
tail and tail --follow, incident show, status, list and update, and drill reports.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.terminal_text import has_bidi_override
from runbook_engine.timeline.clock import SystemClock
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.store import SqliteStore
from tests.conftest import REPO
from tests.incident.cli_helpers import Cli

ATTACK = "\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;cm0gLXJm\x07\x9b8m\u202eevil"


def assert_inert(text: str) -> None:
    raw = [hex(ord(c)) for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]
    assert not raw, f"raw control characters reach the terminal: {raw}"
    assert not has_bidi_override(text)
    assert "^[]0;PWNED^G" in text


@pytest.fixture
def hostile_incident(cli: Cli) -> str:
    code, out, err = cli("incident", "open", f"Checkout {ATTACK}", "--sev", "SEV-2", actor="mallory")
    assert code == 0, err
    incident = out.splitlines()[0]
    assert cli("incident", "note", incident, f"note {ATTACK}")[0] == 0
    # The CLI refuses such a handle (bad_handle); an actor name written by another front end
    # or an older version must still show as text.
    with SqliteStore(cli.store) as store:
        hostile = Actor(f"mallory{ATTACK}", "mallory", "host")
        IncidentService(store, store.policy, SystemClock()).note(incident, "from elsewhere", hostile)
    return incident


@pytest.mark.parametrize(
    "argv",
    [
        ("timeline", "show"),
        ("timeline", "tail"),
        ("incident", "show"),
        ("incident", "status"),
    ],
    ids=lambda argv: " ".join(argv[:3]),
)
def test_incident_views_show_escapes_as_text(cli: Cli, hostile_incident: str, argv: tuple[str, ...]) -> None:
    code, out, err = cli(*argv[:2], hostile_incident, *argv[2:])
    assert code == 0, err
    assert_inert(out + err)


def test_tail_follow_shows_a_new_hostile_event_as_text(cli: Cli, hostile_incident: str) -> None:
    def append_later() -> None:
        time.sleep(0.3)
        with SqliteStore(cli.store) as store:
            IncidentService(store, store.policy, SystemClock()).note(
                hostile_incident, f"late {ATTACK}", Actor(f"eve{ATTACK}", "eve", "host")
            )

    writer = threading.Thread(target=append_later)
    writer.start()
    code, out, err = cli("timeline", "tail", hostile_incident, "-n", "0", "--follow", "--stop-after", "1",
                         "--interval", "0.05", "--timeout", "10")
    writer.join()
    assert code == 0, err
    assert "late" in out
    assert_inert(out)


def test_incident_list_shows_escapes_as_text(cli: Cli, hostile_incident: str) -> None:
    code, out, _ = cli("incident", "list")
    assert code == 0 and hostile_incident in out
    assert_inert(out)


def test_status_update_draft_shows_escapes_as_text(cli: Cli, hostile_incident: str) -> None:
    code, out, err = cli("incident", "update", hostile_incident, "--dry-run", "--impact", f"x{ATTACK}")
    assert code == 0, err
    assert_inert(out)


def test_drill_report_shows_a_hostile_answer_label_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(REPO / "tests" / "drill" / "fixtures" / "tiny", folder)
    runbook = folder / "tiny.yaml"
    runbook.write_text(runbook.read_text().replace('"yes": restart', '"\\e]0;PWNED\\a\\e[2J": restart'))
    drill = folder / "drills" / "tiny-restart.yaml"
    drill.write_text(drill.read_text().replace('answer: "yes"', 'answer: "\\e]0;PWNED\\a\\e[2J"'))
    drill.write_text(drill.read_text() + "  answers: [slow=nothing]\n")
    assert main(["drill", str(drill)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out.upper()
    assert_inert(out)
