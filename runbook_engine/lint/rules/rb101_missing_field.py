"""RB101 missing-field: a field the format requires is absent.

Every runbook needs `id`, `title`, `service`, `owners`, `severity`, `symptom`, `start` and
`nodes`; every node needs `kind` and `text`, plus what its kind needs (a check its `signal` and
`answers`, an action its `risk` and `outcomes`...). The finding points at the mapping that lacks it.

Failing:

```yaml
  check-db:
    kind: check
    text: Is the database up?
    answers: {up: done, down: page-dba}
```

Passing:

```yaml
  check-db:
    kind: check
    text: Is the database up?
    signal: {kind: promql, query: up{job="db"}}
    answers: {up: done, down: page-dba}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.rules._schema import issues_of

CODE = "RB101"
NAME = "missing-field"
SUMMARY = "a required field is missing"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    yield from issues_of(ctx, ("required",))
