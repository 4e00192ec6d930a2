"""RB311 shell-in-argv: a command's argv looks like a shell line (one string with spaces, pipes, `&&`).

Commands run without a shell, so `argv: ["kubectl rollout undo deploy/api"]` looks for a program
named with spaces and `|` is passed as a literal argument. Split the command into its arguments;
a pipeline belongs in a script the runbook calls.

Failing:

```yaml
    step: {kind: command, argv: ["kubectl rollout undo deployment/api"]}
```

Passing:

```yaml
    step: {kind: command, argv: [kubectl, rollout, undo, deployment/api]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext

CODE = "RB311"
NAME = "shell-in-argv"
SUMMARY = "a command argv that looks like a shell line"
SEVERITY = Severity.WARNING

SHELL_TOKENS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "&"})


def check(ctx: RunbookContext) -> Iterator[Issue]:
    for path, step in ctx.steps():
        problem = _problem(list(step.argv)) if step.kind == "command" else ""
        if problem:
            hint = "write one list item per argument; no shell runs the command"
            yield Issue((*path, "argv"), problem, hint)


def _problem(argv: list[str]) -> str:
    if len(argv) == 1 and " " in argv[0].strip():
        return f"argv is one string with spaces: {argv[0]!r}"
    token = next((arg for arg in argv if arg in SHELL_TOKENS), None)
    if token is not None:
        return f"shell operator {token!r} in argv is passed literally, not interpreted"
    return ""
