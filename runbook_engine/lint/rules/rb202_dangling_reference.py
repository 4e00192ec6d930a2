"""RB202 dangling-reference: an answer, outcome, `next` or `cleanup` entry names a node that does not exist.

The navigator would stop dead at that answer in the middle of an incident.

Failing:

```yaml
    answers:
      confirmed: rollback-deploy
      refuted: check-databse
```

Passing:

```yaml
    answers:
      confirmed: rollback-deploy
      refuted: check-database
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB202"
NAME = "dangling-reference"
SUMMARY = "a reference to a node that does not exist"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    nodes = ctx.runbook.nodes
    for node in ctx.nodes():
        for edge in node.edges:
            if edge.target not in nodes:
                message = f"{edge.label!r} leads to unknown node {edge.target!r}"
                yield Issue(edge.path, message, _hint(ctx, edge.target))
        for index, target in enumerate(node.cleanup):
            if target not in nodes:
                path = (*node.path, "cleanup", index)
                yield Issue(path, f"cleanup node {target!r} does not exist", _hint(ctx, target))


def _hint(ctx: RunbookContext, target: str) -> str:
    import difflib  # only for a finding: the clean files of a pre-commit run never pay its import

    close = difflib.get_close_matches(target, list(ctx.runbook.nodes), n=1)
    return f"did you mean {close[0]!r}?" if close else "add the node or point at an existing one"
