"""RB301 risky-without-rollback: a risky step with neither a `rollback` nor an `irreversible` declaration.

Rollback comes first: before a risky change starts, the way back must be written down. A change
that truly cannot be undone says so, with its consequence and the pre-check to do first.

Failing:

```yaml
  failover-db:
    kind: action
    risk: risky
    step: {kind: command, argv: [dbctl, failover, primary]}
```

Passing:

```yaml
  failover-db:
    kind: action
    risk: risky
    step: {kind: command, argv: [dbctl, failover, primary]}
    rollback: {text: Fail back once the old primary has caught up.}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB301"
NAME = "risky-without-rollback"
SUMMARY = "a risky step with neither rollback nor irreversible"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for node in ctx.nodes():
        if node.is_risky and node.rollback is None and node.irreversible is None:
            yield Issue((*node.path, "risk"), f"risky {node.kind} {node.id!r} has no rollback",
                        "add `rollback:` (how to undo it) or `irreversible:` (consequence and pre-check)")
