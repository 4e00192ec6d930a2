"""RB309 unknown-suppression: a node suppresses a rule code that does not exist.

A mistyped code silences nothing, and the finding it was meant for stays, or worse, a later rule
with that code is silenced by accident.

Failing:

```yaml
    suppress:
      - {rule: RB2O3, reason: kept for the quarterly failover drill}
```

Passing:

```yaml
    suppress:
      - {rule: RB203, reason: kept for the quarterly failover drill}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB309"
NAME = "unknown-suppression"
SUMMARY = "a suppression names an unknown rule"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    nodes = ctx.data.get("nodes") if isinstance(ctx.data, dict) else None
    for node_id, raw in (nodes.items() if isinstance(nodes, dict) else ()):
        entries = raw.get("suppress") if isinstance(raw, dict) else None
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            rule = entry.get("rule") if isinstance(entry, dict) else None
            if isinstance(rule, str) and rule not in ctx.known_codes:
                yield Issue(("nodes", str(node_id), "suppress", index, "rule"),
                            f"suppression of unknown rule {rule!r}",
                            "`runbook lint --list-rules` lists the codes")
