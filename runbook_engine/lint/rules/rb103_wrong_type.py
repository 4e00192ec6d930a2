"""RB103 wrong-type: a value of the wrong type (a list where a mapping belongs, a number for text...).

Failing:

```yaml
owners: "@payments-oncall"
```

Passing:

```yaml
owners: ["@payments-oncall"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._schema import issues_of

CODE = "RB103"
NAME = "wrong-type"
SUMMARY = "a value has the wrong type"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    yield from issues_of(ctx, ("type",))
