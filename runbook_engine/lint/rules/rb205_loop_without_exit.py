"""RB205 loop-without-exit: a loop (retry, poll, back to diagnosis) from which no ending can be reached.

Loops are fine as long as some answer inside leads, eventually, to a resolve, handoff or final
escalation. Reported once per loop, at its first node in the file.

Failing:

```yaml
  watch:
    kind: wait
    answers: {recovered: check-errors, regressed: check-errors}
  check-errors:
    kind: check
    answers: {high: watch, low: watch}
```

Passing:

```yaml
  watch:
    kind: wait
    answers: {recovered: resolved, regressed: check-errors}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.graph import strongly_connected_components

CODE = "RB205"
NAME = "loop-without-exit"
SUMMARY = "a loop with no way out to an ending"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    graph, finishing = ctx.graph, ctx.finishing
    order = {node_id: index for index, node_id in enumerate(ctx.runbook.nodes)}
    for component in strongly_connected_components(graph):
        first = min(component, key=order.__getitem__)
        is_loop = len(component) > 1 or graph.has_edge(first, first)
        if is_loop and not component & finishing:
            members = " -> ".join(sorted(component, key=order.__getitem__))
            yield Issue(("nodes", first), f"loop {members} has no exit to an ending",
                        "let one answer in the loop lead to resolve, handoff or escalate", key=True)
