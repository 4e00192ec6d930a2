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
from runbook_engine.lint.context import RunbookContext, descendants

CODE = "RB308"
NAME = "cleanup-skippable"
SUMMARY = "a path to resolve that skips owed cleanup"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    resolves = {node.id for node in ctx.nodes("resolve")}
    for node in ctx.nodes():
        for index, owed in enumerate(node.cleanup):
            if owed not in ctx.runbook.nodes or owed == node.id:
                continue
            skipped = descendants(ctx.graph, node.id, avoid=owed) & resolves
            if skipped:
                message = f"{min(skipped)!r} can be reached from {node.id!r} without cleanup {owed!r}"
                hint = f"route every path from {node.id!r} to resolve through {owed!r}"
                yield Issue((*node.path, "cleanup", index), message, hint)

