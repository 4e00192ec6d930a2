"""RB315 shell-step: a step runs through /bin/sh -c; a reviewer should read the script.

A `shell` step is declared on purpose (a pipeline, a redirection, `$VARS`), and the navigator runs
it with `/bin/sh -c` only when it is `runnable` and the walk allows commands. Everything the shell
does (globs, expansions, `;`) happens with the engineer's rights, so every shell step is reported
for review. Prefer a `command` with an argv where one will do; silence the rule on the node, with
the reviewer's reason, once the script has been read.

Failing:

```yaml
    step:
      kind: shell
      script: kubectl get pods -n search -o name | grep Evicted | xargs kubectl delete -n search
```

Passing:

```yaml
    step:
      kind: command
      argv: [kubectl, delete, pods, -n, search, --field-selector=status.phase=Failed]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB315"
NAME = "shell-step"
SUMMARY = "a step that runs through /bin/sh -c, to be reviewed"
SEVERITY = Severity.WARNING


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for path, step in ctx.steps():
        if step.kind == "shell":
            runs = "the navigator may run it" if step.runnable else "the engineer runs it"
            yield Issue((*path, "script"), f"shell script, {runs} through /bin/sh -c: review it",
                        "read the script; use a `command` argv where no shell feature is needed, "
                        "or suppress RB315 on this node with the reviewer's reason")
