"""Change control as the walker shows it: action and resolve phases, and the risky-change gate.

The incident rules (`timeline.rules`) are what refuse; these functions only explain ahead of time,
from the same state, what a risky change still needs and what the walker can do next.
"""

from __future__ import annotations

from datetime import datetime

from runbook_engine.format.durations import format_duration
from runbook_engine.format.model import Node
from runbook_engine.policy import Policy
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.four_eyes import ic_acting_refusal
from runbook_engine.timeline.rules import monitoring_ends_at, observation_ends_at
from runbook_engine.timeline.state import Change, IncidentState
from runbook_engine.walk import steps
from runbook_engine.walk.view import Choice, GateItem, Move, Phase

DEFAULT_MONITORING_S = 15 * 60


def approver_role(state: IncidentState, policy: Policy, node: Node | None = None, owner: str = "") -> str:
    """The role asked to approve: the step's own approvers when it names them (the first one held
    by someone other than the owner; the rest are fallbacks), else the severity policy's."""
    if node is not None and node.approval is not None:
        roles = node.approval.any_of
        held = [role for role in roles if state.roles.get(role) not in (None, owner)]
        return held[0] if held else roles[0]
    rule = policy.severities.get(state.severity)
    return rule.approver_role if rule is not None else "ic"


def monitoring_window_s(state: IncidentState, policy: Policy, node: Node | None = None) -> int:
    """The window to announce when monitoring starts: the policy's, or a resolve node's if longer."""
    rule = policy.severities.get(state.severity)
    window = rule.monitoring_window_s if rule is not None else DEFAULT_MONITORING_S
    return max(window, node.monitoring_s or 0) if node is not None else window


def monitoring_left_s(state: IncidentState, policy: Policy, now: datetime) -> float | None:
    """Seconds of monitoring still owed before resolve, as the incident rules count them.

    None before mitigation; 0 or less once resolving is allowed (or the IC overrode the window).
    """
    if state.mitigated_at is None and state.monitoring_started_at is None:
        return None
    ends = monitoring_ends_at(state, policy)
    return 0.0 if ends is None else (ends - now).total_seconds()


def action_phase(change: Change | None) -> Phase:
    if change is None:
        return Phase.READY
    if change.status == "in_flight":
        return Phase.IN_FLIGHT
    if change.status == "approved":
        return Phase.APPROVED
    if change.status == "denied":
        return Phase.DENIED
    return Phase.AWAITING_APPROVAL if change.awaiting_approval else Phase.READY


def resolve_phase(state: IncidentState, policy: Policy, now: datetime) -> Phase:
    if state.phase == "resolved":
        return Phase.RESOLVED
    left = monitoring_left_s(state, policy, now)
    if left is None:
        return Phase.MITIGATE
    return Phase.MONITORING if left > 0 else Phase.RESOLVABLE


def phase_choices(
    node: Node, phase: Phase, state: IncidentState, runs: tuple[Choice, ...], walker: str
) -> tuple[Choice, ...]:
    """The moves open at an action or resolve node (answers are the walker's business).

    `runs` are the node's run moves, offered beside `start` once the change may start."""
    skip = _skip_choice(node, phase)
    if phase in (Phase.READY, Phase.DENIED) and node.is_risky:
        return (_propose_choice(node, phase), *skip)
    if phase is Phase.READY or phase is Phase.APPROVED:
        start = Choice("", "start", Move.START, hint="log the change as started (you carry it out)")
        return (start, *runs, *skip)
    if phase is Phase.MITIGATE:
        return (Choice("", "mitigated", Move.MITIGATE, hint="mark mitigated, start monitoring"),)
    if phase is Phase.RESOLVABLE:
        return (Choice("", "resolve", Move.RESOLVE, hint="resolve the incident"),)
    if phase is Phase.MONITORING and state.ic == walker:
        return (Choice("", "override", Move.OVERRIDE, hint="resolve now: IC override, with a reason"),)
    return ()


def _propose_choice(node: Node, phase: Phase) -> Choice:
    again = phase is Phase.DENIED
    if node.irreversible is not None:
        hint = "it cannot be undone: read the consequence and precheck, then ask for approval"
        return Choice("", "accept irreversible", Move.PROPOSE, hint=("again: " if again else "") + hint)
    label = "propose again, ask for approval" if again else "ask for approval"
    return Choice("", "propose", Move.PROPOSE, hint=label)


def _skip_choice(node: Node, phase: Phase) -> tuple[Choice, ...]:
    if phase not in (Phase.READY, Phase.DENIED, Phase.APPROVED) or not steps.can_skip(node):
        return ()
    title = node.target("no_change") or ""
    return (Choice("", "skip", Move.SKIP, title, hint=f"not tried (give the reason); go on to {title}"),)


def gate(
    node: Node,
    state: IncidentState,
    change: Change | None,
    walker: str,
    policy: Policy,
    now: datetime,
) -> tuple[GateItem, ...]:
    """What a risky change needs: hypothesis, rollback, no other change in flight, approval."""
    return (
        _hypothesis(state, change),
        _rollback(node),
        _one_at_a_time(state, change, policy, now),
        _approval(state, change, policy, node, walker),
    )


def notice(node: Node, state: IncidentState, walker: str, policy: Policy) -> str:
    """A warning the walker must see: cleanup still owed before resolving, or the rule that the
    IC does not carry out a risky change (the same rule the timeline applies)."""
    if node.kind == "resolve" and state.cleanup_owed and state.phase != "resolved":
        return "Cleanup still owed before resolving: " + ", ".join(state.cleanup_owed)
    if node.is_terminal and state.cleanup_owed and state.phase != "resolved":
        return "Cleanup still owed before this ending: " + ", ".join(state.cleanup_owed)
    if node.kind == "todo":
        team = f" ({node.team})" if node.team else ""
        return f"This branch is not written yet: escalate{team}."
    if not (node.is_risky and node.is_change):
        return ""
    refusal = ic_acting_refusal(state, walker, node.id, True)
    if refusal is not None:
        return (
            "You are the IC, and the IC coordinates: nobody carries out a risky change in command. "
            f"{refusal.hint}."
        )
    role = approver_role(state, policy, node, walker)
    if state.roles.get(role) != walker:
        return ""
    return (
        f"You are the {role_name(role)}: nobody approves their own change. Delegate this action to "
        f"another responder, or hand over the {role_name(role)} role (handover) first."
    )


def _hypothesis(state: IncidentState, change: Change | None) -> GateItem:
    if change is not None and change.hypothesis:
        return GateItem("hypothesis tested", True, change.hypothesis)
    active = state.active_hypotheses
    if active:
        return GateItem("hypothesis tested", True, active[-1].text)
    return GateItem("hypothesis tested", False, "none stated: type `hypothesis TEXT` first")


def _rollback(node: Node) -> GateItem:
    if node.rollback is not None:
        return GateItem("rollback ready", True, node.rollback.text)
    if node.irreversible is not None:
        detail = f"IRREVERSIBLE: {node.irreversible.consequence}"
        if node.irreversible.precheck:
            detail += f" (check first: {node.irreversible.precheck})"
        return GateItem("rollback ready", True, detail)
    return GateItem("rollback ready", False, "the runbook gives no rollback")


def _one_at_a_time(
    state: IncidentState, change: Change | None, policy: Policy, now: datetime
) -> GateItem:
    label = "no other change in flight"
    mine = change.change_id if change is not None else None
    other = state.change_in_flight
    if other is not None and other.change_id != mine:
        return GateItem(label, False, f"{other.change_id} by @{other.owner}: record its result first")
    last = state.last_started_change
    ends = observation_ends_at(state, policy)
    if last is not None and last.change_id != mine and ends is not None and ends > now:
        left = (ends - now).total_seconds()
        return GateItem(label, False, f"observing {last.change_id}: {format_duration(left)} left")
    return GateItem(label, True, "this change only" if mine and other else "none")


def _approval(
    state: IncidentState, change: Change | None, policy: Policy, node: Node, walker: str
) -> GateItem:
    asked = change.approver_role if change is not None else None
    role = asked or approver_role(state, policy, node, walker)
    holder = state.roles.get(role)
    who = f"the {role_name(role)} @{holder}" if holder else f"the {role_name(role)} (nobody holds it)"
    if change is None or (change.status == "proposed" and not change.awaiting_approval):
        return GateItem("approval", False, f"not asked yet: propose to ask {who}")
    if change.status == "denied":
        return GateItem("approval", False, f"denied by @{change.denied_by}: {change.denial_reason}")
    if change.approved_by:
        return GateItem("approval", True, f"approved by @{change.approved_by}")
    if change.approvals:
        got = ", ".join(f"@{name}" for name in change.approvals)
        count = f"{len(change.approvals)} of {change.approvals_needed}"
        return GateItem("approval", False, f"{count} ({got}); ask another: {who}")
    return GateItem("approval", False, f"waiting for {who}")
