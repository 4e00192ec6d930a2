"""Four eyes on risky changes: who decides a change, and who never may.

The proposer, the owner and the starter of a change never approve or deny it. The policy's
approver role for the severity decides; when its holder is one of those people (the IC proposed
the change, say) or nobody holds it, the fallback approver role decides. The IC coordinates and
never carries out a risky change (seed 002), so the IC neither owns nor starts one.
"""

from __future__ import annotations

from runbook_engine.policy import Policy
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.values import Change, IncidentState, severity_rule


def excluded(change: Change) -> dict[str, str]:
    """The people who may never decide `change`, each with why (`proposed`, `owns`, `started`)."""
    parts: dict[str, str] = {}
    if change.started_by is not None:
        parts[change.started_by.name] = "started"
    parts[change.proposed_by.name] = "proposed"
    parts[change.owner] = "owns"
    return parts


def approver_roles(state: IncidentState, policy: Policy) -> tuple[str, ...]:
    """The approver role for the current severity, then its fallback (when the policy names one)."""
    rule = severity_rule(policy, state.severity)
    if rule is None:
        return ("ic",)
    fallback = rule.fallback_approver_role
    return (rule.approver_role,) + ((fallback,) if fallback and fallback != rule.approver_role else ())


def decider(state: IncidentState, change: Change, policy: Policy) -> tuple[str, str] | None:
    """(role, handle) of who decides `change` now, or None when nobody may: the roles its runbook
    step names (in order), else the policy's approver and fallback."""
    barred = excluded(change)
    for role in change.approvers or approver_roles(state, policy):
        holder = state.roles.get(role)
        if holder is not None and holder not in barred:
            return role, holder
    return None


def four_eyes_refusal(state: IncidentState, change: Change, who: str, policy: Policy) -> Refusal | None:
    """The proposer, owner or starter of `change` never decides it, whoever else may."""
    barred = excluded(change)
    if who not in barred:
        return None
    chosen = decider(state, change, policy)
    instead = f"the {role_name(chosen[0])} ({chosen[1]}) decides" if chosen else _nobody(state, policy)
    return Refusal(
        "four_eyes",
        f"{who} {barred[who]} change {change.change_id} and may not approve or deny it",
        f"who may: {instead}",
    )


def decision_refusal(state: IncidentState, change: Change, who: str, policy: Policy) -> Refusal | None:
    """Why handle `who` may not approve or deny `change`, or None when they decide it."""
    barred = four_eyes_refusal(state, change, who, policy)
    if barred is not None:
        return barred
    chosen = decider(state, change, policy)
    if chosen is None:
        return Refusal(
            "approver_missing",
            f"nobody may decide change {change.change_id} at {state.severity}",
            f"who may: {_nobody(state, policy)}",
        )
    role, holder = chosen
    if holder != who:
        return Refusal(
            "not_approver",
            f"{who} is not the {role_name(role)} who decides change {change.change_id} at {state.severity}",
            f"who may: the {role_name(role)} ({holder})",
        )
    return None


def _nobody(state: IncidentState, policy: Policy) -> str:
    roles = " or ".join(role_name(r) for r in approver_roles(state, policy))
    return (
        f"the {roles}, held by someone who neither proposed, owns nor started the change "
        f"(assign it: runbook incident assign {state.incident_id} ROLE NAME)"
    )


def ic_acting_refusal(state: IncidentState, who: str, change_id: str, risky: bool) -> Refusal | None:
    """The IC coordinates and does not act: never the owner or starter of a risky change."""
    if not risky or state.ic is None or state.ic != who:
        return None
    return Refusal(
        "ic_does_not_act",
        f"{who} is the IC and may not carry out risky change {change_id}: the IC coordinates",
        "who may: another responder as the change's owner (--owner NAME), or hand over IC first",
    )
