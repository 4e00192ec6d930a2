"""Status updates for stakeholders: drafts built from an incident's state (see `drafts`, `wording`)."""

from __future__ import annotations

from runbook_engine.comms.drafts import (
    KINDS,
    DraftInputs,
    StatusDraft,
    build_draft,
    default_kind,
    render_markdown,
    render_text,
    with_last_impact,
)
from runbook_engine.comms.wording import (
    ActionLine,
    actions_in_progress,
    duration_text,
    hhmm,
    hypothesis_label,
    hypothesis_text,
    minutes_text,
    progress_text,
)

__all__ = [
    "KINDS",
    "ActionLine",
    "DraftInputs",
    "StatusDraft",
    "actions_in_progress",
    "build_draft",
    "default_kind",
    "duration_text",
    "hhmm",
    "hypothesis_label",
    "hypothesis_text",
    "minutes_text",
    "progress_text",
    "render_markdown",
    "render_text",
    "with_last_impact",
]
