"""RB306 missing-owner: the runbook names no owner, so nobody keeps it true.

Failing:

```yaml
id: disk-filling
owners: []
```

Passing:

```yaml
id: disk-filling
owners: ["@storage-oncall"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB306"
NAME = "missing-owner"
SUMMARY = "the runbook has no owner"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    if not isinstance(ctx.data, dict):
        return
    owners = ctx.data.get("owners")
    hint = "add `owners:` with the team or people who keep this runbook true"
    if owners is None:
        yield Issue(("owners",), "the runbook has no owners", hint, key=True)
    elif isinstance(owners, list) and not any(isinstance(o, str) and o.strip() for o in owners):
        yield Issue(("owners",), "the owners list is empty", hint, key=True)
