"""RB308 cleanup-skippable: a resolve node can be reached from an action without its owed cleanup.

An action that pauses workers or turns on debug logging lists the cleanup it makes owed; every
path from that action to a resolve node must pass through that cleanup node.

Failing:

```yaml
  pause-workers:
    kind: action
    cleanup: [resume-workers]
    outcomes: {helped: resolved, no_change: resume-workers}
  resume-workers: {kind: cleanup, ..., next: resolved}
```

Passing:

```yaml
  pause-workers:
    kind: action
    cleanup: [resume-workers]
    outcomes: {helped: resume-workers, no_change: resume-workers}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._cleanup import skipped_cleanups

CODE = "RB308"
NAME = "cleanup-skippable"
SUMMARY = "a path to resolve that skips owed cleanup"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for skip in skipped_cleanups(ctx, {node.id for node in ctx.nodes("resolve")}):
        message = f"{skip.ending!r} can be reached from {skip.node.id!r} without cleanup {skip.owed!r}"
        hint = f"route every path from {skip.node.id!r} to resolve through {skip.owed!r}"
        yield Issue((*skip.node.path, "cleanup", skip.index), message, hint)
