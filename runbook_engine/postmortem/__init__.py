"""The postmortem draft of an incident: facts (`facts`) and the Markdown document (`document`)."""

from __future__ import annotations

from runbook_engine.postmortem.document import BUCKETS, SECTIONS, render_postmortem
from runbook_engine.postmortem.facts import Context, Metrics, flags, metrics, strategy, strategy_declared

__all__ = [
    "BUCKETS",
    "SECTIONS",
    "Context",
    "Metrics",
    "flags",
    "metrics",
    "render_postmortem",
    "strategy",
    "strategy_declared",
]
