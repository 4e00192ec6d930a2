"""RB201 unknown-start: `start` names a node that does not exist, so a walk cannot begin.

Failing:

```yaml
start: chek-connections
nodes:
  check-connections: ...
```

Passing:

```yaml
start: check-connections
nodes:
  check-connections: ...
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB201"
NAME = "unknown-start"
SUMMARY = "the start node does not exist"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    runbook = ctx.runbook
    if runbook.start and runbook.nodes and runbook.start not in runbook.nodes:
        known = ", ".join(list(runbook.nodes)[:8])
        yield Issue(("start",), f"start node {runbook.start!r} does not exist", f"nodes are: {known}")
