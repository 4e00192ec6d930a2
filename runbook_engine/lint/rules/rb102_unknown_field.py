"""RB102 unknown-field: a field the format does not know, usually a typo.

An unknown field is never silently ignored: `rollbak:` would otherwise leave a risky action
without the rollback its author meant to give it. The hint lists the fields allowed there.

Failing:

```yaml
  restart-pods:
    kind: action
    rollbak: {text: nothing to undo}
```

Passing:

```yaml
  restart-pods:
    kind: action
    rollback: {text: nothing to undo}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._schema import issues_of

CODE = "RB102"
NAME = "unknown-field"
SUMMARY = "a field the format does not know"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    yield from issues_of(ctx, ("additionalProperties", "unevaluatedProperties"))
