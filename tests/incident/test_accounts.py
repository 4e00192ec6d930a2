"""The issue's failure patterns, tried as a team on one shared host would: each responder on
their own OS account, one store in a group-writable folder. Every one is refused, by name."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_engine.resources import DEFAULT_POLICY
from tests.os_accounts import Account, Accounts

pytestmark = pytest.mark.slow

HANDLES = ("ines", "bob", "carol", "mallory", "dave")


@dataclass
class Team:
    """The accounts, the shared store and policy, and `runbook incident` as any of them."""

    people: dict[str, Account]
    outsider: Account
    store: Path
    policy: Path
    lax: Path

    def run(self, who: str, *argv: str) -> subprocess.CompletedProcess[str]:
        account = self.outsider if who == "outsider" else self.people[who]
        return account.runbook("incident", argv[0], "--store", str(self.store), *argv[1:])

    def ok(self, who: str, *argv: str) -> str:
        done = self.run(who, *argv)
        assert done.returncode == 0, (argv, done.stderr)
        return done.stdout

    def refused(self, who: str, rule: str, *argv: str, code: int = 1) -> str:
        done = self.run(who, *argv)
        assert done.returncode == code, (argv, done.stdout, done.stderr)
        assert f"[rule: {rule}]" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        return done.stderr

    def open(self) -> str:
        """A SEV-1 with ines in command, bob on ops, and hypothesis H1 stated."""
        out = self.ok("ines", "open", "Checkout", "errors", "--sev", "SEV-1", "--policy", str(self.policy))
        incident = out.splitlines()[0]
        self.ok("ines", "assign", incident, "ops", "bob")
        self.ok("bob", "hypothesis", incident, "the", "release", "raised", "payment", "timeouts")
        return incident

    def propose(self, who: str, incident: str, *extra: str) -> None:
        args = ("--hypothesis", "H1", "--rollback", "redeploy the previous image")
        self.ok(who, "propose", incident, "Roll", "back", "checkout", *args, *extra)


def _policy_with_people(folder: Path, people: dict[str, Account]) -> Path:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    mapping = "".join(f"  {handle}: [{account.name}]\n" for handle, account in people.items())
    path = folder / "policy.yaml"
    path.write_text(f"{text}people:\n{mapping}", encoding="utf-8")
    path.chmod(0o644)
    return path


@pytest.fixture(scope="module")
def team(os_accounts: Accounts) -> Iterator[Team]:
    people = {handle: os_accounts.make(handle) for handle in HANDLES}
    outsider = os_accounts.make("outsider", in_group=False)
    folder = os_accounts.shared_folder("oncall")
    policy = _policy_with_people(os_accounts.base, people)
    lax = os_accounts.base / "lax.yaml"
    lax.write_text(policy.read_text(encoding="utf-8").replace("approver_role: ic", "approver_role: comms"))
    lax.chmod(0o644)
    yield Team(people, outsider, folder / "incidents.db", policy, lax)


def test_the_store_is_shared_by_the_group_and_refuses_an_outsider_with_a_fix(team: Team) -> None:
    incident = team.open()
    mode = team.store.stat().st_mode & 0o777
    assert mode == 0o660, oct(mode)
    team.ok("carol", "note", incident, "joined", "from", "her", "own", "account")
    done = team.run("outsider", "note", incident, "hello")
    assert done.returncode == 2, done.stderr
    assert "cannot write the incident store" in done.stderr and "chmod 2770" in done.stderr


def test_anyone_cannot_take_command(team: Team) -> None:
    incident = team.open()
    err = team.refused(
        "mallory", "authority_handover", "handover", incident, "ic", "mallory", "--reason", "x"
    )
    assert "who may: the holder of IC (ines) or the IC (ines)" in err and "take-command" in err
    team.ok("mallory", "take-command", incident, "--reason", "ines silent for 10 minutes")
    team.refused("mallory", "second_responder", "confirm-command", incident, "mallory")
    team.ok("carol", "confirm-command", incident, "mallory")
    shown = team.ok("ines", "show", incident)
    assert "Claims command from an absent IC" in shown and "@carol Confirmed @mallory takes command" in shown


def test_a_bystander_cannot_change_severity_or_make_themselves_an_approver(team: Team) -> None:
    incident = team.open()
    err = team.refused("carol", "authority_severity", "sev", incident, "SEV-3", "--reason", "quiet night")
    assert "who may: the IC (ines)" in err
    team.refused("carol", "authority_assign", "assign", incident, "owner", "carol")


def test_four_eyes_the_ic_never_approves_what_she_proposed(team: Team) -> None:
    incident = team.open()
    team.propose("ines", incident, "--risky", "--owner", "dave")
    err = team.refused("ines", "four_eyes", "approve", incident, "C1")
    assert "ines proposed change C1" in err and "who may: the Ops (bob) decides" in err
    team.refused("ines", "four_eyes", "approve", incident, "C1", "--as", "ＩＮＥＳ")
    team.refused("dave", "four_eyes", "approve", incident, "C1")
    team.ok("bob", "approve", incident, "C1", "--reason", "the fallback approver decides")


def test_the_owner_and_the_proposer_never_approve(team: Team) -> None:
    incident = team.open()
    team.propose("carol", incident, "--risky", "--owner", "dave")
    team.refused("carol", "four_eyes", "approve", incident, "C1")
    team.refused("dave", "four_eyes", "approve", incident, "C1")
    team.refused("mallory", "not_approver", "approve", incident, "C1")


def test_the_ic_never_carries_out_a_risky_change(team: Team) -> None:
    incident = team.open()
    err = team.refused(
        "ines",
        "ic_does_not_act",
        "propose",
        incident,
        "Roll",
        "back",
        "--risky",
        "--hypothesis",
        "H1",
        "--rollback",
        "redeploy",
    )
    assert "--owner" in err


def test_risk_is_not_self_declared_and_a_hypothesis_is_not_punctuation(team: Team) -> None:
    incident = team.open()
    team.ok("dave", "propose", incident, "Partial", "deploy", "of", "the", "fix")
    err = team.refused("dave", "needs_approval", "start", incident, "C1")
    assert "ad-hoc change counts as risky" in err
    team.refused("dave", "authority_classify", "classify", incident, "C1", "safe", "--reason", "trust me")
    team.ok("ines", "classify", incident, "C1", "safe", "--reason", "a flag flip, undone in seconds")
    team.ok("dave", "start", incident, "C1")
    args = ("--risky", "--hypothesis", ".", "--rollback", "undo")
    team.refused("dave", "hypothesis_required", "propose", incident, "Deploy", *args)


def test_the_caller_does_not_pick_the_policy(team: Team) -> None:
    incident = team.open()
    team.propose("dave", incident, "--risky")
    err = team.refused("carol", "policy_pinned", "approve", incident, "C1", "--policy", str(team.lax))
    assert "drop --policy" in err
    team.refused("carol", "authority_policy", "policy", incident, "--policy", str(team.lax), "--reason", "x")
    shown = team.ok(
        "ines", "policy", incident, "--policy", str(team.lax), "--reason", "comms decides tonight"
    )
    assert "Policy replaced" in shown


def test_resolve_override_sets_aside_only_the_monitoring_window(team: Team) -> None:
    incident = team.open()
    team.refused("ines", "not_mitigated", "resolve", incident, "fine", "--override", "looks fine")
    team.ok("dave", "propose", incident, "Restart", "workers")
    team.ok("ines", "classify", incident, "C1", "safe", "--reason", "stateless workers")
    team.ok("dave", "start", incident, "C1")
    team.refused("ines", "change_in_flight", "resolve", incident, "fine", "--override", "looks fine")
    team.refused("carol", "authority_result", "result", incident, "C1", "helped", "errors", "down")
    team.ok("dave", "result", incident, "C1", "helped", "errors", "down")
    team.ok("ines", "mitigate", incident, "errors", "at", "baseline")
    team.refused("carol", "authority_resolve", "resolve", incident, "fine", "--override", "looks fine")
    team.ok("ines", "resolve", incident, "fine", "--override", "synthetic checks green")


def test_other_peoples_changes_stay_theirs(team: Team) -> None:
    incident = team.open()
    team.propose("dave", incident, "--risky", "--owner", "bob")
    team.ok("ines", "approve", incident, "C1")
    err = team.refused("carol", "authority_start", "start", incident, "C1")
    assert "who may: the change's owner (bob)" in err
    team.refused("carol", "authority_change_owner", "change-owner", incident, "C1", "carol", "--reason", "x")
    team.ok("bob", "change-owner", incident, "C1", "dave", "--reason", "bob is paged elsewhere")
    team.ok("dave", "start", incident, "C1")


def test_identities_are_resolved_not_typed(team: Team) -> None:
    incident = team.open()
    err = team.refused("mallory", "not_your_handle", "note", incident, "hi", "--as", "bob")
    assert team.people["mallory"].name in err
    team.refused("mallory", "lookalike_handle", "note", incident, "hi", "--as", "bοb")  # Greek omicron
    team.refused("ines", "lookalike_handle", "assign", incident, "comms", "bоb")  # Cyrillic o
    team.ok("bob", "note", incident, "same", "person", "--as", " Bob ")
    events = team.ok("ines", "show", incident)
    assert "@bob Note: same person" in events


def test_an_account_outside_the_people_is_refused(team: Team, os_accounts: Accounts) -> None:
    incident = team.open()
    stranger = os_accounts.make("stranger")
    done = stranger.runbook("incident", "note", "--store", str(team.store), incident, "hello")
    assert done.returncode == 1 and "[rule: unknown_account]" in done.stderr


def test_the_board_is_data(team: Team) -> None:
    incident = team.open()
    board = json.loads(team.ok("carol", "status", incident, "--format", "json"))
    assert board["roles"] == {"ic": "ines", "ops": "bob"}


def test_only_the_owner_acknowledges_delegated_work(team: Team) -> None:
    incident = team.open()
    team.ok("ines", "task", incident, "Check", "rollback", "feasibility", "--owner", "dave", "--eta", "10")
    team.refused("carol", "task_owner", "ack", incident, "T1")
    team.ok("dave", "ack", incident, "T1")
    board = json.loads(team.ok("carol", "status", incident, "--format", "json"))
    assert board["tasks"][0]["acknowledged"] is True
