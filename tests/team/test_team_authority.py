"""The authority rules across database logins: on the team store the login, not `--as`, says who."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.resources import DEFAULT_POLICY
from runbook_engine.timeline.events import EventType
from runbook_engine.timeline.pg_store import PostgresStore
from tests.pg_server import TeamDatabase
from tests.team.conftest import ALICE_LOGIN, BOB_LOGIN


class Logins:
    """`runbook incident ...` in-process, as one database login or the other."""

    def __init__(self, team_db: TeamDatabase, policy: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.urls = {"ines": team_db.url_as(ALICE_LOGIN), "bob": team_db.url_as(BOB_LOGIN)}
        self.policy, self.capsys = str(policy), capsys

    def run(self, login: str, *argv: str) -> tuple[int, str, str]:
        code = main(["incident", argv[0], "--store", self.urls[login], "--policy", self.policy, *argv[1:]])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, login: str, *argv: str) -> str:
        code, out, err = self.run(login, *argv)
        assert code == 0, (argv, err)
        return out


@pytest.fixture
def logins(team_db: TeamDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Logins:
    policy = tmp_path / "policy.yaml"
    people = f"people:\n  ines: [{ALICE_LOGIN}]\n  bob: [{BOB_LOGIN}]\n"
    policy.write_text(DEFAULT_POLICY.read_text(encoding="utf-8") + people, encoding="utf-8")
    return Logins(team_db, policy, capsys)


def test_the_ic_approves_from_her_login_and_nobody_approves_their_own(logins: Logins) -> None:
    incident = logins.ok("ines", "open", "Checkout", "errors", "--sev", "SEV-1").splitlines()[0]
    logins.ok("ines", "assign", incident, "ops", "bob")
    logins.ok("bob", "hypothesis", incident, "the", "release", "raised", "timeouts")
    rollback = ("--hypothesis", "H1", "--rollback", "redeploy the previous image")
    logins.ok("bob", "propose", incident, "Roll", "back", *rollback, "--risky", "--owner", "bob")
    code, _, err = logins.run("bob", "approve", incident, "C1")
    assert code == 1 and "[rule: four_eyes]" in err
    code, _, err = logins.run("bob", "approve", incident, "C1", "--as", "ines")
    assert code == 1 and "[rule: not_your_handle]" in err and f"account {BOB_LOGIN!r}" in err
    logins.ok("ines", "approve", incident, "C1", "--reason", "rollback is safe")
    with PostgresStore(logins.urls["ines"]) as store:
        approvals = [e for e in store.events(incident) if e.type is EventType.APPROVAL_GRANTED]
    assert [(e.actor.name, e.actor.account) for e in approvals] == [("ines", ALICE_LOGIN)]


def test_a_handle_mapped_to_another_login_is_refused(logins: Logins) -> None:
    incident = logins.ok("ines", "open", "Checkout", "errors", "--sev", "SEV-2").splitlines()[0]
    code, _, err = logins.run("bob", "note", incident, "I", "am", "ines", "--as", "ines")
    assert code == 1 and "[rule: not_your_handle]" in err
    with PostgresStore(logins.urls["bob"]) as store:
        assert [e.type for e in store.events(incident)] == [EventType.INCIDENT_OPENED]
