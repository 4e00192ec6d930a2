"""Where status updates go: the policy's stakeholder groups mapped to chat channels (no secrets).

A channel names its service (slack, mattermost, teams, webhook) and where its webhook URL is
kept: an environment variable (`url_env`) or a key of the secrets file (`url_secret`). The URL
itself never appears in the policy, so the policy can be committed and printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from runbook_engine.format.durations import parse_duration
from runbook_engine.frozen import frozen

SERVICES = ("slack", "mattermost", "teams", "webhook")
DEFAULT_TIMEOUT_S = 5.0


@frozen
class Channel:
    """One destination: its name (what the timeline records), service and where its URL is kept."""

    name: str
    service: str
    url_env: str | None = None
    url_secret: str | None = None


@frozen
class CommsSettings:
    """Delivery settings: the secrets file, the IC's group for reminders, the request timeout."""

    secrets_file: Path | None = None
    ic_group: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    attempts: int = 3


@frozen
class Channels:
    """The `channels` and `comms` sections of a policy."""

    groups: Mapping[str, tuple[Channel, ...]] = field(default_factory=dict)
    settings: CommsSettings = CommsSettings()

    def of_groups(self, groups: Sequence[str]) -> tuple[Channel, ...]:
        """The channels of `groups` in order, each once (a channel may serve several groups)."""
        seen: dict[str, Channel] = {}
        for group in groups:
            for channel in self.groups.get(group, ()):
                seen.setdefault(channel.name, channel)
        return tuple(seen.values())

    def by_name(self, name: str) -> Channel | None:
        return next((c for chans in self.groups.values() for c in chans if c.name == name), None)


def channels_from_data(data: Mapping[str, Any], base: Path | None) -> Channels:
    """Build from validated policy data; a relative secrets file is taken from the policy's folder."""
    groups = {
        group: tuple(_channel(raw) for raw in entries) for group, entries in data.get("channels", {}).items()
    }
    return Channels(groups, _settings(data.get("comms", {}), base))


def _channel(raw: Mapping[str, Any]) -> Channel:
    return Channel(str(raw["name"]), str(raw["service"]), raw.get("url_env"), raw.get("url_secret"))


def _settings(raw: Mapping[str, Any], base: Path | None) -> CommsSettings:
    secrets = raw.get("secrets_file")
    path = None if secrets is None else Path(secrets)
    if path is not None and not path.is_absolute() and base is not None:
        path = base / path
    timeout = float(parse_duration(raw["timeout"])) if "timeout" in raw else DEFAULT_TIMEOUT_S
    return CommsSettings(path, raw.get("ic_group"), timeout, int(raw.get("attempts", 3)))


def channel_problems(channels: Channels) -> list[str]:
    """What the schema cannot say: a channel name used twice for different destinations."""
    problems: list[str] = []
    seen: dict[str, Channel] = {}
    for chans in channels.groups.values():
        for channel in chans:
            if seen.setdefault(channel.name, channel) != channel:
                problems.append(f"channel {channel.name!r} is defined twice, differently")
    return problems
