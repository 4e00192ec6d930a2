"""One payload builder and one limit check per service, chosen by the channel's `service`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runbook_engine.comms import mattermost, slack, teams, webhook
from runbook_engine.comms.message import Message
from runbook_engine.frozen import frozen


@frozen
class Format:
    """One channel format: how a message becomes its payload, and how a payload is checked."""

    name: str
    payload: Callable[[Message], dict[str, Any]]
    problems: Callable[[dict[str, Any]], list[str]]


FORMATS: dict[str, Format] = {
    "slack": Format("Slack", slack.payload, slack.problems),
    "mattermost": Format("Mattermost", mattermost.payload, mattermost.problems),
    "teams": Format("Microsoft Teams", teams.payload, teams.problems),
    "webhook": Format("webhook", webhook.payload, webhook.problems),
}
