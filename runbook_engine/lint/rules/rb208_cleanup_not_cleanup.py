"""RB208 cleanup-kind: an action's `cleanup` list names a node that is not a `cleanup` node.

Cleanup entries are owed work the incident cannot resolve without; pointing at a check or an
action is almost always a mix-up.

Failing:

```yaml
  pause-workers:
    kind: action
    cleanup: [check-queue]          # a check
```

Passing:

```yaml
  pause-workers:
    kind: action
    cleanup: [resume-workers]       # kind: cleanup
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB208"
NAME = "cleanup-kind"
SUMMARY = "a cleanup entry names a node that is not a cleanup node"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    nodes = ctx.runbook.nodes
    for node in ctx.nodes():
        for index, target in enumerate(node.cleanup):
            owed = nodes.get(target)
            if owed is not None and owed.kind != "cleanup":
                yield Issue((*node.path, "cleanup", index),
                            f"{target!r} is a {owed.kind} node, not a cleanup node",
                            "list nodes of kind: cleanup here")
