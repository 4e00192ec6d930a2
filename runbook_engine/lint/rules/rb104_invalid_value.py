"""RB104 invalid-value: a value the format does not allow (a bad id, an unknown node kind, an empty text...).

Covers every schema constraint other than missing fields, unknown fields and types: allowed
values, id patterns, durations such as `5m`, minimum lengths and counts, unique items.

Failing:

```yaml
  watch:
    kind: wait
    duration: five minutes
```

Passing:

```yaml
  watch:
    kind: wait
    duration: 5m
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._schema import issues_of

CODE = "RB104"
NAME = "invalid-value"
SUMMARY = "a value the format does not allow"
SEVERITY = Severity.ERROR

OTHER_RULES = ("required", "additionalProperties", "unevaluatedProperties", "type")


def check(ctx: RunbookContext) -> Iterator[Issue]:
    yield from issues_of(ctx, OTHER_RULES, inverse=True)
