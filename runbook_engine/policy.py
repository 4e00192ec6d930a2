"""The policy: per SEV response start, cadence, roles, approvers and windows; people and authority."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_engine.format.durations import parse_duration
from runbook_engine.format.loader import LoadError, load_data_text
from runbook_engine.format.reading import ReadRefused, read_text_limited
from runbook_engine.format.schema import schema_issues
from runbook_engine.identity import People, people_problem
from runbook_engine.resources import DEFAULT_POLICY

ANYONE, ROLE_HOLDER, CHANGE_OWNER = "anyone", "role_holder", "change_owner"

DEFAULT_AUTHORITY: Mapping[str, tuple[str, ...]] = {
    "assign": ("ic",),
    "handover": (ROLE_HOLDER, "ic"),
    "severity": ("ic",),
    "start": (CHANGE_OWNER,),
    "result": (CHANGE_OWNER,),
    "change_owner": (CHANGE_OWNER, "ic"),
    "classify": ("ic",),
    "task": ("ic", "tech_lead", "ops"),
    "mitigate": (ANYONE,),
    "resolve": ("ic",),
    "reopen": ("ic",),
    "override": ("ic",),
    "policy": ("ic",),
}
"""Who may do what when the policy's `authority` section leaves an act out (docs/incident.md)."""


class PolicyError(Exception):
    """A policy file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class SeverityRule:
    name: str
    description: str
    response_start_s: int | None
    update_cadence_s: int | None
    required_roles: tuple[str, ...]
    approver_role: str
    observation_window_s: int
    monitoring_window_s: int
    stakeholders: tuple[str, ...] = ()
    fallback_approver_role: str | None = None
    first_update_within_s: int | None = None


@dataclass(frozen=True)
class Delegation:
    """When delegated work is flagged: unacknowledged, and nothing in progress."""

    ack_within_s: int = 120
    idle_after_s: int = 600


@dataclass(frozen=True)
class Policy:
    severities: Mapping[str, SeverityRule]
    people: People = field(default_factory=dict)
    authority: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_AUTHORITY))
    delegation: Delegation = Delegation()
    recent_changes_command: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    """The validated policy as data: what `incident open` pins in the timeline."""
    digest: str = ""
    """sha256 of `data` in canonical JSON: the pinned policy's name in refusals and reports."""

    def rule(self, severity: str) -> SeverityRule:
        return self.severities[severity]

    def who_may(self, act: str) -> tuple[str, ...]:
        return self.authority.get(act) or DEFAULT_AUTHORITY.get(act, ("ic",))


def policy_digest(data: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of the policy data (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_from_data(data: Mapping[str, Any]) -> Policy:
    """Build a Policy from schema-valid data; raises PolicyError for a bad people section."""
    people = {str(h): tuple(str(a) for a in accts) for h, accts in (data.get("people") or {}).items()}
    problem = people_problem(people)
    if problem is not None:
        raise PolicyError(problem)
    authority = {**DEFAULT_AUTHORITY, **{k: tuple(v) for k, v in (data.get("authority") or {}).items()}}
    return Policy(
        severities={name: _severity(name, raw) for name, raw in data["severities"].items()},
        people=people,
        authority=authority,
        delegation=_delegation(data.get("delegation") or {}),
        recent_changes_command=tuple(data.get("recent_changes_command") or ()),
        data=json.loads(json.dumps(data)),
        digest=policy_digest(data),
    )


def policy_from_pinned(data: Mapping[str, Any]) -> Policy:
    """The policy an incident pinned (validated again: a timeline is input like any file)."""
    problems = schema_issues(data, "policy")
    if problems:
        raise PolicyError(f"pinned policy: {problems[0].message}")
    return policy_from_data(data)


def _delegation(raw: Mapping[str, Any]) -> Delegation:
    default = Delegation()
    return Delegation(
        ack_within_s=parse_duration(raw["ack_within"]) if "ack_within" in raw else default.ack_within_s,
        idle_after_s=parse_duration(raw["idle_after"]) if "idle_after" in raw else default.idle_after_s,
    )


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file (the bundled default when `path` is None)."""
    source = Path(path) if path is not None else DEFAULT_POLICY
    try:
        data = load_data_text(read_text_limited(source), str(source))
    except ReadRefused as exc:
        raise PolicyError(f"{source}: cannot read policy: {exc.message}") from None
    except LoadError as exc:
        raise PolicyError(f"{source}: {exc}") from None
    problems = schema_issues(data, "policy")
    if problems:
        first = problems[0]
        raise PolicyError(f"{source}: {first.message} ({first.hint})")
    try:
        return policy_from_data(data)
    except PolicyError as exc:
        raise PolicyError(f"{source}: {exc}") from None


def _severity(name: str, raw: Mapping[str, Any]) -> SeverityRule:
    return SeverityRule(
        name=name,
        description=raw["description"],
        response_start_s=_optional_duration(raw["response_start"]),
        update_cadence_s=_optional_duration(raw["update_cadence"]),
        required_roles=tuple(raw["required_roles"]),
        approver_role=raw["approver_role"],
        observation_window_s=parse_duration(raw["observation_window"]),
        monitoring_window_s=parse_duration(raw["monitoring_window"]),
        stakeholders=tuple(raw.get("stakeholders", ())),
        fallback_approver_role=raw.get("fallback_approver_role"),
        first_update_within_s=_optional_duration(raw.get("first_update_within")),
    )


def _optional_duration(raw: str | None) -> int | None:
    return None if raw is None else parse_duration(raw)
