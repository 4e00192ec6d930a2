"""The policy: per SEV response start, cadence, roles, approvers and windows; people and authority."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from runbook_engine import __version__
from runbook_engine.cache_dir import default_cache_dir, read_marker, write_marker
from runbook_engine.channels import Channels, channel_problems, channels_from_data
from runbook_engine.format.durations import parse_duration
from runbook_engine.format.reading import ReadRefused, read_text_limited
from runbook_engine.frozen import frozen
from runbook_engine.identity import People, people_problem
from runbook_engine.resources import DEFAULT_POLICY, SCHEMAS_DIR

CACHE_FOLDER = "policies"
CACHE_FORMAT = b"policy-json-1"

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


@frozen
class SeverityRule:
    """What one severity demands: response start, update cadence, roles, approvals, windows."""

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


@frozen
class Delegation:
    """When delegated work is flagged: unacknowledged, and nothing in progress."""

    ack_within_s: int = 120
    idle_after_s: int = 600


@frozen
class Policy:
    """The team's severity policy: severities, channels, people, authority and delegation."""

    severities: Mapping[str, SeverityRule]
    channels: Channels = field(default_factory=Channels)
    """Where status updates go, per stakeholder group (see `channels`)."""
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


_BY_DIGEST: dict[str, Policy] = {}
"""The policy built last in this process for each digest: a pinned policy equal to the one just
loaded is that one (with its channels resolved from its file's folder), not validated again."""


def policy_digest(data: Mapping[str, Any]) -> str:
    """sha256 over the canonical JSON of the policy data (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_from_data(data: Mapping[str, Any], base: Path | None = None) -> Policy:
    """Build a Policy from schema-valid data (`base`: the folder relative paths start from);
    raises PolicyError for a bad people section."""
    people = {str(h): tuple(str(a) for a in accts) for h, accts in (data.get("people") or {}).items()}
    problem = people_problem(people)
    if problem is not None:
        raise PolicyError(problem)
    authority = {**DEFAULT_AUTHORITY, **{k: tuple(v) for k, v in (data.get("authority") or {}).items()}}
    digest = policy_digest(data)
    policy = Policy(
        severities={name: _severity(name, raw) for name, raw in data["severities"].items()},
        channels=channels_from_data(data, base),
        people=people,
        authority=authority,
        delegation=_delegation(data.get("delegation") or {}),
        recent_changes_command=tuple(data.get("recent_changes_command") or ()),
        data=json.loads(json.dumps(data)),
        digest=digest,
    )
    _BY_DIGEST[digest] = policy  # the latest wins: channels depend on where it was loaded from
    return policy


def cached_policy(digest: str) -> Policy | None:
    """The policy with this digest built in this process, if any (no parsing, no validation)."""
    return _BY_DIGEST.get(digest)


def policy_from_pinned(digest: str, data: Mapping[str, Any]) -> Policy:
    """The policy an incident pinned: the one loaded with that digest, else its data validated
    again (a timeline is input like any file) and built; PolicyError when it is not usable."""
    known = _BY_DIGEST.get(digest)
    if known is not None:
        return known
    from runbook_engine.format.schema import schema_issues

    problems = schema_issues(data, "policy")
    if problems:
        raise PolicyError(f"pinned policy: {problems[0].message}")
    policy = policy_from_data(data)
    if policy.digest != digest:
        raise PolicyError(f"the pinned policy's content does not match its digest {digest[:12]}")
    return policy


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
        text = read_text_limited(source)
    except ReadRefused as exc:
        raise PolicyError(f"{source}: cannot read policy: {exc.message}") from None
    # Every incident command loads the policy: text that passed before is read back as JSON,
    # without importing the YAML parser or checking the schema again (as for runbooks).
    marker = default_cache_dir() / CACHE_FOLDER / _cache_key(text)
    data = read_marker(marker)
    if not isinstance(data, dict):
        data = _validated(text, source)
        write_marker(marker, data)
    return policy_from_data(data, source.parent)


def _cache_key(text: str) -> str:
    digest = hashlib.sha256(text.encode())
    digest.update(__version__.encode() + CACHE_FORMAT)
    digest.update((SCHEMAS_DIR / "policy.schema.json").read_bytes())
    return digest.hexdigest()


def _validated(text: str, source: Path) -> Any:
    from runbook_engine.format.loader import LoadError, load_data_text
    from runbook_engine.format.schema import schema_issues

    try:
        data = load_data_text(text, str(source))
    except LoadError as exc:
        raise PolicyError(f"{source}: {exc}") from None
    problems = schema_issues(data, "policy")
    if problems:
        first = problems[0]
        raise PolicyError(f"{source}: {first.message} ({first.hint})")
    for problem in channel_problems(channels_from_data(data, None)):
        raise PolicyError(f"{source}: {problem} (give each destination its own name)")
    people = people_problem({str(h): tuple(a) for h, a in (data.get("people") or {}).items()})
    if people is not None:
        raise PolicyError(f"{source}: {people}")
    return data


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
