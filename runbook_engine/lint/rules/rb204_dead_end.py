"""RB204 dead-end: a node that is not an ending (resolve, handoff, final escalation) and has no way on.

An engineer who reaches it has nowhere to go. Exits that name unknown nodes do not count.

Failing:

```yaml
  flush-cache:
    kind: action
    ...
    outcomes: {helped: verify-recovery}    # no node `verify-recovery`
```

Passing:

```yaml
  flush-cache:
    kind: action
    ...
    outcomes: {helped: watch-recovery, no_change: page-cache-team}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.format.model import NODE_KINDS
from runbook_engine.lint.context import RunbookContext

CODE = "RB204"
NAME = "dead-end"
SUMMARY = "a non-terminal node with no way on"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    graph = ctx.graph
    for node in ctx.nodes():
        if node.kind in NODE_KINDS and not node.is_terminal and graph.out_degree(node.id) == 0:
            yield Issue(node.path, f"{node.kind} node {node.id!r} has no way on",
                        "give it an exit to an existing node, or end with resolve, handoff or escalate",
                        key=True)
