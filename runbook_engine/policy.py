"""The severity policy: per SEV, response start, update cadence, roles, approver and time windows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbook_engine import __version__
from runbook_engine.cache_dir import default_cache_dir, read_marker, write_marker
from runbook_engine.channels import Channels, channel_problems, channels_from_data
from runbook_engine.format.durations import parse_duration
from runbook_engine.format.reading import ReadRefused, read_text_limited
from runbook_engine.resources import DEFAULT_POLICY, SCHEMAS_DIR

CACHE_FOLDER = "policies"
CACHE_FORMAT = b"policy-json-1"


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


@dataclass(frozen=True)
class Policy:
    severities: Mapping[str, SeverityRule]
    channels: Channels = field(default_factory=Channels)
    """Where status updates go, per stakeholder group (see `channels`)."""

    def rule(self, severity: str) -> SeverityRule:
        return self.severities[severity]


def policy_from_data(data: Mapping[str, Any], base: Path | None = None) -> Policy:
    """Build a Policy from already-validated data (`base`: the folder relative paths start from)."""
    severities = {name: _severity(name, raw) for name, raw in data["severities"].items()}
    return Policy(severities, channels_from_data(data, base))


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
    )


def _optional_duration(raw: str | None) -> int | None:
    return None if raw is None else parse_duration(raw)
