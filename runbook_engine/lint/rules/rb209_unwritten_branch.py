"""RB209 unwritten-branch: a `todo` leaf marks a branch nobody has written yet.

Saying so is better than inventing an outcome: the walk ends there and tells the engineer to
escalate. It stays a warning until someone writes the branch.

Failing:

```yaml
  replica-lagging-on-purpose:
    kind: todo
    text: Delayed replicas are lagging by design; nobody has written what to check here.
    team: dbre-oncall
```

Passing:

```yaml
  replica-lagging-on-purpose:
    kind: escalate
    text: Page the DBRE on call; delayed replicas lag by design.
    team: dbre-oncall
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB209"
NAME = "unwritten-branch"
SUMMARY = "a todo leaf: a branch not written yet"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for node in ctx.nodes("todo"):
        yield Issue(node.path, f"branch {node.id!r} is not written yet: the walk says to escalate here",
                    "write the branch (checks, actions, an ending), then replace the todo node", key=True)
