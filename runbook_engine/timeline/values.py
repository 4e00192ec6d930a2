"""The value types of an incident's state: roles, changes, walks, updates, flags (all frozen)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from datetime import datetime, timedelta
from typing import Any

from runbook_engine.frozen import frozen
from runbook_engine.policy import Policy, PolicyError, SeverityRule, cached_policy, policy_from_pinned
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.posts import Post

PHASES = ("open", "mitigated", "monitoring", "resolved")
CHANGE_STATUSES = ("proposed", "approved", "denied", "in_flight", "done")


@frozen
class RoleChange:
    """One assignment or handover of a role: who took it, who gave it, by whose hand and why."""

    seq: int
    at: datetime
    role: str
    person: str
    previous: str | None
    by: str
    reason: str = ""


@frozen
class SeverityChange:
    """One change of the incident's severity: from, to, why and by whom."""

    seq: int
    at: datetime
    before: str
    after: str
    reason: str
    by: str


@frozen
class Hypothesis:
    """A hypothesis stated during the incident, and when and why it was dropped, if it was."""

    id: str
    text: str
    stated_by: str
    stated_at: datetime
    dropped_at: datetime | None = None
    drop_reason: str = ""

    @property
    def active(self) -> bool:
        return self.dropped_at is None


@frozen
class Change:
    """A change to production from proposal to measured result (`status` follows CHANGE_STATUSES)."""

    change_id: str
    action: str
    owner: str
    hypothesis: str
    rollback: str | None
    irreversible: bool
    risky: bool
    proposed_by: Actor
    proposed_at: datetime
    status: str = "proposed"
    runbook: str | None = None
    node: str | None = None
    cleanup: tuple[str, ...] = ()
    approver_role: str | None = None
    approval_requested_at: datetime | None = None
    approved_by: str | None = None
    approved_by_actor: Actor | None = None
    approved_at: datetime | None = None
    approval_reason: str = ""
    denied_by: str | None = None
    denial_reason: str = ""
    denied_at: datetime | None = None
    started_at: datetime | None = None
    started_seq: int | None = None
    started_by: Actor | None = None
    result: str | None = None
    result_at: datetime | None = None
    result_seq: int | None = None
    observation: str = ""
    same_account_approval: bool = False
    """The approval was logged from the OS account that proposed or started the change."""
    strategy: str | None = None
    """Declared mitigation strategy (rollback, fix-forward, degrade); None when not declared."""
    risk_source: str = "declared"
    """Where `risky` came from: `node` (the runbook), `declared`, `ad_hoc` (risky until the IC
    classifies it), or `classified` (the IC's logged call)."""
    approvers: tuple[str, ...] = ()
    """Roles the runbook step names as its approvers (first preferred); empty: the policy's role."""
    approvals_needed: int = 1
    approvals: tuple[str, ...] = ()
    """Who has approved so far (distinct people; the change is approved once there are enough)."""

    @property
    def awaiting_approval(self) -> bool:
        return self.status == "proposed" and self.approval_requested_at is not None


@frozen
class Visit:
    """One stop on a walker's path through a runbook."""

    node: str
    entered_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None
    evidence: str | None = None
    gathered: tuple[tuple[str, str], ...] = ()
    """At a gather node: (check, evidence) for each check answered so far, in the order given."""


@frozen
class Walk:
    """One person's walk of a runbook: the nodes visited in order."""

    walker: str
    runbook: str
    path: tuple[Visit, ...] = ()

    @property
    def position(self) -> str | None:
        return self.path[-1].node if self.path else None


@frozen
class StatusUpdate:
    """A status update given during the incident, and when the next one is due."""

    seq: int
    at: datetime
    by: str
    kind: str
    text: str
    next_update_at: datetime | None


@frozen
class ActionItem:
    """A follow-up action recorded during the incident: what, who owns it, when it is due."""

    seq: int
    at: datetime
    text: str
    owner: str
    due: str
    bucket: str
    by: str


@frozen
class Override:
    """An IC's logged decision to set a rule aside once, with the reason."""

    seq: int
    at: datetime
    rule: str
    reason: str
    by: str


@frozen
class PinnedPolicy:
    """A policy as an incident pinned it: the sha256 and the canonical JSON it was taken over."""

    digest: str
    text: str

    @property
    def policy(self) -> Policy:
        """The Policy itself (built once per digest in a process); ValueError when unusable."""
        known = cached_policy(self.digest)
        if known is not None:
            return known
        try:
            return policy_from_pinned(self.digest, json.loads(self.text))
        except PolicyError as exc:
            raise ValueError(str(exc)) from None


@frozen
class CommandClaim:
    """A responder asking to take command from an absent IC, waiting for a second responder."""

    seq: int
    at: datetime
    claimant: str
    reason: str


@frozen
class Task:
    """Delegated work: delegated only once its owner acknowledged it (seed 002)."""

    task_id: str
    text: str
    owner: str
    eta: datetime
    assigned_at: datetime
    assigned_by: str
    acked_at: datetime | None = None
    done_at: datetime | None = None
    outcome: str = ""
    note: str = ""

    @property
    def open(self) -> bool:
        return self.done_at is None


@frozen
class AuditFlag:
    """Something the postmortem must point out (e.g. an approval from the change's own account)."""

    seq: int
    at: datetime
    kind: str
    detail: str


@frozen
class IncidentState:
    """An incident's whole state, folded from its events."""

    incident_id: str = ""
    title: str = ""
    severity: str = ""
    phase: str = "open"
    opened_at: datetime | None = None
    started_at: datetime | None = None
    runbook: str | None = None
    service: str | None = None
    opened_by: Actor | None = None
    pinned: PinnedPolicy | None = None
    """The policy pinned at `incident open` (or by the IC's last `policy_changed`)."""
    ic_since: datetime | None = None
    """When someone first took command (the opening, or the first `ic` assignment)."""
    claim: CommandClaim | None = None
    tasks: Mapping[str, Task] = field(default_factory=dict)
    followups: Mapping[str, str] = field(default_factory=dict)
    """Suggested follow-up key -> `accepted` or `dismissed` (see `timeline.followups`)."""
    recent_changes_at: datetime | None = None
    """When "what changed in the last hour?" was answered (a note on it, or the policy's command)."""
    roles: Mapping[str, str] = field(default_factory=dict)
    role_history: tuple[RoleChange, ...] = ()
    severity_history: tuple[SeverityChange, ...] = ()
    hypotheses: Mapping[str, Hypothesis] = field(default_factory=dict)
    changes: Mapping[str, Change] = field(default_factory=dict)
    in_flight_id: str | None = None
    last_started_id: str | None = None
    walks: Mapping[tuple[str, str], Walk] = field(default_factory=dict)
    status_updates: tuple[StatusUpdate, ...] = ()
    next_update_due_at: datetime | None = None
    action_items: tuple[ActionItem, ...] = ()
    cleanup_owed: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    audit_flags: tuple[AuditFlag, ...] = ()
    posts: Mapping[str, Post] = field(default_factory=dict)
    """Messages queued for chat channels, by delivery id (see `posts.py`)."""
    last_reminder_at: datetime | None = None
    notes_count: int = 0
    commands_count: int = 0
    mitigated_at: datetime | None = None
    mitigated_seq: int | None = None
    mitigation_summary: str = ""
    monitoring_started_at: datetime | None = None
    monitoring_window_s: int | None = None
    resolved_at: datetime | None = None
    resolution_summary: str = ""
    resolve_override_reason: str = ""
    reopened_count: int = 0
    reopened_at: datetime | None = None
    last_event_at: datetime | None = None
    last_seq: int = 0
    last_hash: str = ""
    events_count: int = 0

    @property
    def ic(self) -> str | None:
        return self.roles.get("ic")

    @property
    def policy(self) -> Policy | None:
        """The pinned policy (None for timelines written before policies were pinned)."""
        return self.pinned.policy if self.pinned is not None else None

    @property
    def change_in_flight(self) -> Change | None:
        return self.changes.get(self.in_flight_id) if self.in_flight_id else None

    @property
    def last_started_change(self) -> Change | None:
        return self.changes.get(self.last_started_id) if self.last_started_id else None

    @property
    def pending_approvals(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes.values() if change.awaiting_approval)

    @property
    def active_hypotheses(self) -> tuple[Hypothesis, ...]:
        return tuple(h for h in self.hypotheses.values() if h.active)

    @property
    def last_status_update(self) -> StatusUpdate | None:
        return self.status_updates[-1] if self.status_updates else None

    @property
    def last_status_update_at(self) -> datetime | None:
        last = self.last_status_update
        return last.at if last else None

    @property
    def worse_since_mitigation(self) -> tuple[Change, ...]:
        """Changes whose `worse` result was recorded after the (latest) mitigation."""
        since = self.mitigated_seq
        if since is None:
            return ()
        return tuple(
            change
            for change in self.changes.values()
            if change.result == "worse" and (change.result_seq or 0) > since
        )

    @property
    def undelivered_posts(self) -> tuple[Post, ...]:
        return tuple(post for post in self.posts.values() if not post.delivered)

    def update_overdue_s(self, now: datetime) -> float | None:
        """Seconds the next status update is late by at `now`; None when it is not late."""
        if self.next_update_due_at is None or now <= self.next_update_due_at:
            return None
        return (now - self.next_update_due_at).total_seconds()

    def walk(self, walker: str, runbook: str) -> Walk | None:
        return self.walks.get((walker, runbook))

    def visited_nodes(self, runbook: str) -> tuple[str, ...]:
        """Every node of `runbook` anyone entered, in first-visit order (for a diagram overlay)."""
        seen: dict[str, None] = {}
        for (_, walked), walk in self.walks.items():
            if walked == runbook:
                seen.update((visit.node, None) for visit in walk.path)
        return tuple(seen)


def evolve(state: IncidentState, **changes: Any) -> IncidentState:
    """`dataclasses.replace` for the state, without re-running `__init__` over ~50 fields.

    The fold calls this once or twice per event, so it dominates the cost of `apply`; copying
    the instance dict is several times faster and keeps the value frozen to everyone else.
    """
    unknown = changes.keys() - state.__dict__.keys()
    if unknown:
        raise TypeError(f"IncidentState has no field {sorted(unknown)[0]!r}")
    new = object.__new__(IncidentState)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


def effective_policy(state: IncidentState, fallback: Policy) -> Policy:
    """The incident's pinned policy; `fallback` only for timelines written before pinning."""
    return state.policy or fallback


def stakeholder_groups(state: IncidentState, policy: Policy) -> tuple[str, ...]:
    """The groups that must hear this incident's status updates at its current severity (the
    pinned policy's `stakeholders`); chat channels are picked from these names."""
    rule = severity_rule(effective_policy(state, policy), state.severity)
    return rule.stakeholders if rule else ()


def severity_rule(policy: Policy, severity: str) -> SeverityRule | None:
    """The policy's rule for `severity`, or None for a severity the policy does not know."""
    return policy.severities.get(severity)


def next_update_due(state: IncidentState, policy: Policy) -> datetime | None:
    """When the next status update is owed: the sooner of the promised time and the cadence.

    The cadence counts from the last update, or from the opening (or reopening) when later;
    before the first update the policy's `first_update_within` applies when it sets one. The
    incident's pinned policy wins over `policy`.
    """
    if state.phase == "resolved" or state.opened_at is None:
        return None
    last = state.last_status_update
    rule = severity_rule(state.policy or policy, state.severity)
    cadence = rule.update_cadence_s if rule else None
    if last is None and rule is not None and rule.first_update_within_s is not None:
        cadence = rule.first_update_within_s
    base = max(moment for moment in (state.opened_at, state.reopened_at, last and last.at) if moment)
    candidates = [base + timedelta(seconds=cadence)] if cadence else []
    if last and last.next_update_at:
        candidates.append(last.next_update_at)
    return min(candidates) if candidates else None
