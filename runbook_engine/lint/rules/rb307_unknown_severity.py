"""RB307 unknown-severity: the default severity is not one of SEV-1, SEV-2, SEV-3, SEV-4.

The severity policy decides roles, update cadence and approvals from it; an unknown value leaves
an incident opened from this runbook without rules.

Failing:

```yaml
severity: P1
```

Passing:

```yaml
severity: SEV-1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.format.model import SEVERITIES
from runbook_engine.lint.context import RunbookContext

CODE = "RB307"
NAME = "unknown-severity"
SUMMARY = "a severity that is not SEV-1..SEV-4"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    if not isinstance(ctx.data, dict) or "severity" not in ctx.data:
        return
    value = ctx.data["severity"]
    if value not in SEVERITIES:
        yield Issue(("severity",), f"unknown severity {value!r}", "use one of: " + ", ".join(SEVERITIES))
