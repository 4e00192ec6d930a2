"""RB310 resolve-without-monitoring: a resolve node gives no monitoring window.

Resolving the moment a graph looks better invites a relapse; say how long to watch first
(the severity policy's window applies when this is absent).

Failing:

```yaml
  resolved:
    kind: resolve
    text: Errors are back to baseline.
```

Passing:

```yaml
  resolved:
    kind: resolve
    text: Errors are back to baseline.
    monitoring: 15m
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB310"
NAME = "resolve-without-monitoring"
SUMMARY = "a resolve node with no monitoring window"
SEVERITY = Severity.OFF


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for node in ctx.nodes("resolve"):
        if node.monitoring_s is None:
            yield Issue(node.path, f"resolve node {node.id!r} has no monitoring window",
                        "add `monitoring: 15m` (or the time your service needs to show a relapse)", key=True)
