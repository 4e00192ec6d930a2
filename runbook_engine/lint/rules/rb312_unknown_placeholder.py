"""RB312 unknown-placeholder: a runnable command uses a `{name}` the navigator cannot fill.

A runnable argv may only use the placeholders filled from the incident: `{incident.id}`,
`{incident.severity}`, `{runbook.id}`, `{runbook.service}` and `{node.id}`. Any other `{name}` makes
the navigator refuse to run the command, which the engineer would otherwise learn mid-incident.
Braces that do not look like a name (a JSON patch such as `{"spec": {...}}`) are plain text, and so
is a shell's `${VAR}`: in a `shell` step the shell expands it, in an argv it stays as written.

Failing:

```yaml
    step:
      kind: command
      argv: [deployctl, rollback, "{service}"]
      runnable: true
```

Passing:

```yaml
    step:
      kind: command
      argv: [deployctl, rollback, "{runbook.service}"]
      runnable: true
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.format.placeholders import allowed_list, unknown_names
from runbook_engine.lint.context import RunbookContext

CODE = "RB312"
NAME = "unknown-placeholder"
SUMMARY = "a runnable command uses a placeholder that is not on the allow-list"
SEVERITY = Severity.ERROR


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for path, step in ctx.steps():
        if step.kind not in ("command", "shell") or not step.runnable:
            continue
        words: list[tuple[tuple[str | int, ...], str]] = [(("script",), step.script)]
        if step.kind == "command":
            words = [(("argv", i), arg) for i, arg in enumerate(step.argv)]
        for where, arg in words:
            for name in unknown_names(arg):
                yield Issue(
                    (*path, *where),
                    f"placeholder {{{name}}} cannot be filled when this command runs",
                    f"use one of {allowed_list()}, or drop `runnable: true` and let the engineer run it",
                )
