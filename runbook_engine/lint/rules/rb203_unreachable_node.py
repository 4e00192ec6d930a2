"""RB203 unreachable-node: no path from the start node leads here, so nobody will ever see it.

Usually a forgotten answer or a renamed node. Not reported when the start node itself is unknown
(RB201 says so).

Failing:

```yaml
start: check-disk
nodes:
  check-disk: {kind: check, ..., answers: {full: clean-logs, ok: done}}
  grow-volume: {kind: action, ...}      # nothing leads here
```

Passing:

```yaml
  check-disk: {kind: check, ..., answers: {full: clean-logs, growing: grow-volume, ok: done}}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB203"
NAME = "unreachable-node"
SUMMARY = "a node no path from the start reaches"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    reachable = ctx.reachable
    if not reachable:
        return
    for node in ctx.nodes():
        if node.id not in reachable:
            yield Issue(node.path, f"node {node.id!r} cannot be reached from the start node",
                        "lead an answer here or remove the node", key=True)
