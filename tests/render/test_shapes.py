"""Real runbook shapes in diagrams and wiki pages: outside documents as links, the approver the
engine asks, SHELL marks, tasks, observations and alert variants."""

from __future__ import annotations

import pytest

from runbook_engine.format.library import load_runbook
from runbook_engine.render.backend import render
from runbook_engine.render.dot import runbook_dot
from runbook_engine.render.mermaid import runbook_mermaid
from runbook_engine.render.page import runbook_page
from tests.conftest import RUNBOOKS

SENTINEL = RUNBOOKS / "redis-sentinel-failed-over.yaml"
LADDER = RUNBOOKS / "replica-lag-ladder.yaml"
CANARY = RUNBOOKS / "checkout-hotfix-canary.yaml"
HANDBOOK = "https://wiki.example.com/payments/reconcile-pending-attempts"


@pytest.mark.needs_dot
def test_an_outside_document_is_a_link_in_the_svg() -> None:
    svg = render(runbook_dot(load_runbook(SENTINEL)), "svg").decode()
    assert f'xlink:href="{HANDBOOK}"' in svg


def test_the_wiki_page_links_every_outside_document() -> None:
    page = runbook_page(load_runbook(LADDER), "(diagram)")
    assert "## Outside documents" in page
    assert "(https://www.postgresql.org/docs/current/hot-standby.html#HOT-STANDBY-CONFLICT)" in page
    assert "](Databases/Replication-lag)" in page
    assert "PaymentsReplicaLagCritical (replay lag above 300 s, for 2m, SEV-2)" in page


def test_diagrams_name_the_approver_the_engine_asks() -> None:
    ladder, canary = load_runbook(LADDER), load_runbook(CANARY)
    assert "needs Tech lead, else IC approval" in runbook_dot(ladder)
    assert "needs 2 approvals from Tech lead, and IC" in runbook_mermaid(canary)
    sentinel = runbook_dot(load_runbook(SENTINEL))  # SEV-3: the policy's approver is the owner
    assert "RISKY - needs Owner approval" in sentinel and "needs IC approval" not in sentinel
    page = runbook_page(canary, "(diagram)")
    assert "**Roll out the hotfix** (`roll-out-hotfix`): RISKY, needs Tech lead, else IC approval" in page


def test_shell_steps_tasks_and_observations_are_marked() -> None:
    canary = runbook_dot(load_runbook(CANARY))
    assert "SHELL" in canary and "coordination: comms" in canary
    sentinel = runbook_page(load_runbook(SENTINEL), "(diagram)")
    assert "/bin/sh" not in sentinel  # the signal pipeline is a person's to run, not a shell step
    assert "SENTINEL get-master-addr-by-name redis-payments" in sentinel
