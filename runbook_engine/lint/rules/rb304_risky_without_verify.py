"""RB304 risky-without-verify: a risky action that does not say how to see it worked.

Without `verify` the outcome (helped, no change, worse) is a guess. A staged change may instead
give a `verify` on every stage.

Failing:

```yaml
  raise-maxclients:
    kind: action
    risk: risky
    rollback: {text: Set maxclients back.}
```

Passing:

```yaml
  raise-maxclients:
    kind: action
    risk: risky
    rollback: {text: Set maxclients back.}
    verify: connection errors stop within two minutes
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB304"
NAME = "risky-without-verify"
SUMMARY = "a risky action with no verify"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for node in ctx.nodes("action", "cleanup"):
        staged = bool(node.stages) and all(stage.verify for stage in node.stages)
        if node.is_risky and not node.verify and not staged:
            yield Issue(node.path, f"risky action {node.id!r} does not say how to verify it",
                        "add `verify:`, the signal that shows the change worked", key=True)
