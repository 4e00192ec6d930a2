"""RB305 placeholder-text: TODO, TBD, FIXME or XXX left in a runbook.

At 3 a.m. a placeholder is a step nobody wrote. Finish the text or take the node out.

Failing:

```yaml
    text: TODO explain how to drain the node
```

Passing:

```yaml
    text: Cordon the node, then drain it with a 5 minute grace period.
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from runbook_engine.findings import Issue, Severity
from runbook_engine.lint.context import RunbookContext, strings

CODE = "RB305"
NAME = "placeholder-text"
SUMMARY = "placeholder text such as TODO, TBD or FIXME"
SEVERITY = Severity.WARNING

WORDS = ("TODO", "TBD", "FIXME", "XXX")
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b")


def check(ctx: RunbookContext) -> Iterator[Issue]:
    # A substring search of the whole source first: most files have no placeholder at all. Four
    # `in` tests are C string searches; one regex alternation tries every position in Python's re.
    source = ctx.document.text or json.dumps(ctx.data, ensure_ascii=False, default=str)
    if not any(word in source for word in WORDS):
        return
    for path, text in strings(ctx.data):
        found = PLACEHOLDER.search(text)
        if found:
            yield Issue(path, f"placeholder {found.group(1)} in the text", "write the real step or remove it")
