"""The authority table applied: who may do an act now, and a refusal that names who may instead.

The table is data in the policy (`authority`, defaults in `policy.DEFAULT_AUTHORITY`); these
functions read it against the state. Subjects are roles, `anyone`, `role_holder` (the holder of
the role being handed over) and `change_owner` (the owner of the change acted on).
"""

from __future__ import annotations

from runbook_engine.identity import name_problem
from runbook_engine.policy import ANYONE, CHANGE_OWNER, ROLE_HOLDER, Policy
from runbook_engine.timeline.format import role_name
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.values import Change, IncidentState

ACTS = {
    "assign": "assign a role",
    "handover": "hand over",
    "severity": "change the severity",
    "start": "start",
    "result": "record the result of",
    "change_owner": "hand over ownership of",
    "classify": "classify the risk of",
    "task": "delegate a task",
    "mitigate": "mark the incident mitigated",
    "resolve": "resolve the incident",
    "reopen": "reopen the incident",
    "override": "override a rule",
    "policy": "change the incident's policy",
}
"""What each act is called in a refusal."""


def holder_of(state: IncidentState, subject: str, role: str | None, change: Change | None) -> str | None:
    """Who `subject` is in this state (None: nobody holds it)."""
    if subject == ROLE_HOLDER:
        return state.roles.get(role) if role else None
    if subject == CHANGE_OWNER:
        return change.owner if change else None
    return state.roles.get(subject)


def may(
    state: IncidentState,
    policy: Policy,
    act: str,
    who: str,
    role: str | None = None,
    change: Change | None = None,
) -> bool:
    """Whether handle `who` may do `act` (on `role` or `change`) in `state`."""
    subjects = policy.who_may(act)
    return ANYONE in subjects or any(holder_of(state, s, role, change) == who for s in subjects)


def who_may_text(
    state: IncidentState, policy: Policy, act: str, role: str | None = None, change: Change | None = None
) -> str:
    """`the IC (ines) or the holder of ops (ameer)`: the people who may, by their part."""
    parts = [_subject_text(state, s, role, change) for s in policy.who_may(act)]
    return " or ".join(parts)


def _subject_text(state: IncidentState, subject: str, role: str | None, change: Change | None) -> str:
    holder = holder_of(state, subject, role, change)
    held = f" ({holder})" if holder else " (nobody holds it)"
    if subject == ANYONE:
        return "anyone"
    if subject == ROLE_HOLDER:
        return f"the holder of {role_name(role or '')}{held}"
    if subject == CHANGE_OWNER:
        return f"the change's owner{held}"
    return f"the {role_name(subject)}{held}"


def authority_refusal(
    state: IncidentState,
    policy: Policy,
    act: str,
    who: str,
    role: str | None = None,
    change: Change | None = None,
) -> Refusal | None:
    """None when `who` may do `act`; otherwise a refusal naming rule `authority_<act>` and who may."""
    if may(state, policy, act, who, role, change):
        return None
    what = ACTS.get(act, act)
    target = f" change {change.change_id}" if change else (f" {role_name(role)}" if role else "")
    allowed = who_may_text(state, policy, act, role, change)
    return Refusal(f"authority_{act}", f"{who} may not {what}{target}", f"who may: {allowed}")


def known_people(state: IncidentState) -> tuple[str, ...]:
    """Every handle the timeline has named: role holders past and present, owners, proposers."""
    names: dict[str, None] = {}
    names.update((r.person, None) for r in state.role_history)
    names.update((c.owner, None) for c in state.changes.values())
    names.update((c.proposed_by.name, None) for c in state.changes.values())
    if state.opened_by is not None:
        names[state.opened_by.name] = None
    return tuple(names)


def person_refusal(state: IncidentState, policy: Policy, name: str) -> Refusal | None:
    """A person named in a command (role holder, owner) must be a plain, known-looking handle."""
    problem = name_problem(name, known_people(state), policy.people)
    return None if problem is None else Refusal(problem.rule, problem.reason, problem.hint)


def no_ic_refusal(state: IncidentState, what: str) -> Refusal | None:
    """Acts only an IC may do need someone in command first."""
    if state.ic is not None:
        return None
    return Refusal(
        "no_ic",
        f"nobody has taken command, so nobody may {what}",
        f"take command first: runbook incident assign {state.incident_id} ic YOUR-HANDLE",
    )
