"""RB303 cause-without-signal: a cause with no `signal` saying how to confirm or refute it.

A hypothesis nobody can test is answered by gut feeling; name the metric, log query or dashboard
that tells.

Failing:

```yaml
  leaked-connections:
    kind: cause
    text: The last deploy leaks connections.
    answers: {confirmed: rollback, refuted: raise-limit}
```

Passing:

```yaml
  leaked-connections:
    kind: cause
    text: The last deploy leaks connections.
    signal: {kind: log, query: '"connection refused" service:api', expect: starts after the deploy}
    answers: {confirmed: rollback, refuted: raise-limit}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB303"
NAME = "cause-without-signal"
SUMMARY = "a cause with no confirming signal"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for node in ctx.nodes("cause"):
        if node.signal is None:
            yield Issue(node.path, f"cause {node.id!r} has no signal to confirm it",
                        "add `signal:` with the query, log search or dashboard that confirms it", key=True)
