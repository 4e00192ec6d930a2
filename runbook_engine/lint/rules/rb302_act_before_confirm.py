"""RB302 act-before-confirm: an action can be reached from the start without passing any check or cause.

Acting before confirming turns a guess into a change. Start with a check (even a one-question
"was there a deploy in the last hour?") so the path to every action records why it was taken.
Coordination (paging, opening a channel) and observations of what automation already did are not
changes and may come first.

Failing:

```yaml
start: restart-service
nodes:
  restart-service: {kind: action, ...}
```

Passing:

```yaml
start: errors-after-deploy
nodes:
  errors-after-deploy: {kind: check, ..., answers: {yes: restart-service, no: page-team}}
  restart-service: {kind: action, ...}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import ACTING_KINDS, CONFIRMING_KINDS, RunbookContext

CODE = "RB302"
NAME = "act-before-confirm"
SUMMARY = "an action reachable without passing a check or cause"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    nodes = ctx.runbook.nodes
    start = ctx.runbook.start
    if start not in nodes:
        return
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        if nodes[current].kind in CONFIRMING_KINDS:
            continue
        for target in ctx.graph.successors(current):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    for node in ctx.nodes(*ACTING_KINDS):
        if node.id in seen and node.is_change:  # paging or noting what automation did is not acting
            yield Issue(node.path, f"action {node.id!r} can be reached without any check or cause",
                        "put a check or cause before it that confirms why to act", key=True)
