"""`runbook incident update --post`, `--to`, `incident outbox` and the board, in-process against
a real HTTP receiver; the webhook URLs never appear in any output, the store or the postmortem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.comms.conftest import HOOK, MM, SECRET_TOKEN, SLACK, TEAMS, write_policy
from tests.comms.receiver import Receiver, Throttle
from tests.comms.shapes import slack_problems, teams_problems
from tests.incident.cli_helpers import Cli, make_cli


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return make_cli(tmp_path, capsys, monkeypatch)


def _policy(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> str:
    return str(write_policy(tmp_path, receiver, monkeypatch, attempts=1))


def test_post_goes_to_the_severity_s_stakeholder_channels(
    cli: Cli, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = _policy(tmp_path, receiver, monkeypatch)
    incident = cli.open("--policy", policy)
    code, out, err = cli("incident", "update", incident, "--post", "--impact", "38% fail", "--policy", policy)
    assert code == 0, err
    assert out.startswith("[") and "Impact: 38% fail" in out
    assert [len(receiver.on(p)) for p in (SLACK, TEAMS, HOOK, MM)] == [1, 1, 1, 0]
    assert "posted #2 to exec-slack" in err and "posted #2 to support-teams" in err
    assert slack_problems(receiver.on(SLACK)[0].json()) == []
    assert teams_problems(receiver.on(TEAMS)[0].json()) == []
    code, out, _ = cli("incident", "status", incident, "--policy", policy)
    assert "Outbox: all 3 delivered" in out


def test_to_picks_groups_and_an_unknown_group_is_a_usage_error(
    cli: Cli, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = _policy(tmp_path, receiver, monkeypatch)
    incident = cli.open("--policy", policy)
    code, _, err = cli("incident", "update", incident, "--to", "incident-command", "--policy", policy)
    assert code == 0, err
    assert len(receiver.delivered) == 1 and receiver.on(MM)
    code, _, err = cli("incident", "update", incident, "--to", "press", "--policy", policy)
    assert code == 2 and "no channels for group 'press'" in err
    code, _, err = cli("incident", "update", incident, "--post", "--dry-run", "--policy", policy)
    assert code == 2 and "--dry-run" in err


def test_post_without_channels_in_the_policy_says_how_to_add_them(cli: Cli) -> None:
    incident = cli.open()
    code, _out, err = cli("incident", "update", incident, "--post")
    assert code == 2
    assert "maps no channel to SEV-1's stakeholders (executives, support, status-page)" in err
    assert "Posted" not in cli("timeline", "show", incident)[1]


def test_a_failed_post_is_shown_on_the_board_and_retried_by_the_next_command(
    cli: Cli, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = _policy(tmp_path, receiver, monkeypatch)
    incident = cli.open("--policy", policy)
    receiver.fail(SLACK, Throttle("0"))
    code, _, err = cli("incident", "update", incident, "--post", "--policy", policy)
    assert code == 0 and "NOT posted to exec-slack: HTTP 429; it stays queued" in err
    code, out, err = cli("incident", "status", incident, "--policy", policy)
    assert "Outbox: 1 NOT DELIVERED: #2 to exec-slack (HTTP 429)" in out
    assert "posted #2 to exec-slack" in err  # the board was drawn, then the command retried
    assert len(receiver.on(SLACK)) == 1
    code, _, err = cli("incident", "note", incident, "checking the gateway", "--policy", policy)
    assert (code, err) == (0, "")
    code, out, _ = cli("incident", "outbox", incident, "--policy", policy)
    assert code == 0 and "every queued message is delivered" in out


def test_outbox_retries_now_and_exits_1_while_something_is_undelivered(
    cli: Cli, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = _policy(tmp_path, receiver, monkeypatch)
    incident = cli.open("--policy", policy)
    receiver.fail(TEAMS, 503, 503)
    cli("incident", "update", incident, "--post", "--policy", policy)
    code, out, err = cli("incident", "outbox", incident, "--policy", policy)
    assert code == 1 and "undelivered: status update #2 to support-teams (failed, 2 requests" in out
    board = json.loads(cli("incident", "status", incident, "--format", "json", "--policy", policy)[1])
    [waiting] = board["undelivered_posts"]
    assert (waiting["channel"], waiting["last_error"]) == ("support-teams", "HTTP 503")
    code, out, err = cli("incident", "outbox", incident, "--policy", policy)
    assert code == 0 and "posted #2 to support-teams" in err
    assert len(receiver.on(TEAMS)) == 1


def test_the_secret_url_is_nowhere_people_or_files_can_see(
    cli: Cli, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = _policy(tmp_path, receiver, monkeypatch)
    incident = cli.open("--policy", policy)
    receiver.fail(SLACK, 500)
    receiver.fail(TEAMS, 500)
    outputs = [cli("incident", "update", incident, "--post", "--policy", policy)]
    outputs.append(cli("incident", "outbox", incident, "--policy", policy))
    outputs.append(cli("incident", "show", incident, "--policy", policy))
    outputs.append(cli("timeline", "export", incident, "--format", "json", "--policy", policy))
    outputs.append(cli("postmortem", incident, "--policy", policy))
    for _code, out, err in outputs:
        assert SECRET_TOKEN not in out + err
    for path in tmp_path.glob("incidents.db*"):
        assert SECRET_TOKEN.encode() not in path.read_bytes()

