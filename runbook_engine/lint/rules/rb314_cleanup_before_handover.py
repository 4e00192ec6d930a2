"""RB314 cleanup-before-handover: a handoff, final escalation or todo leaf skips owed cleanup.

RB308 guards resolve; this rule guards the other endings. A team that takes over from a final
escalation, or an engineer who goes on in another runbook, inherits whatever this runbook paused,
stopped or switched to debug. Route the path through the cleanup, or say in the ending's text who
takes the owed cleanup over. The walk shows the owed cleanup at every ending and offers to do it.

Failing:

```yaml
  stop-chef:
    kind: action
    cleanup: [start-chef]
    outcomes: {helped: start-chef, no_change: page-platform}
  page-platform: {kind: escalate, team: platform-oncall, text: Page platform.}
```

Passing:

```yaml
  stop-chef:
    kind: action
    cleanup: [start-chef]
    outcomes: {helped: start-chef, no_change: start-chef-then-page}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._cleanup import skipped_cleanups

CODE = "RB314"
NAME = "cleanup-before-handover"
SUMMARY = "a path to a handoff, final escalation or todo leaf that skips owed cleanup"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    endings = {node.id for node in ctx.nodes() if node.is_terminal and node.kind != "resolve"}
    for skip in skipped_cleanups(ctx, endings):
        message = f"{skip.ending!r} can be reached from {skip.node.id!r} without cleanup {skip.owed!r}"
        hint = f"route the path through {skip.owed!r}, or say in {skip.ending!r} who takes it over"
        yield Issue((*skip.node.path, "cleanup", skip.index), message, hint)
