r"""RB313 bidi-override: a Unicode bidi override or isolate hidden in a runbook.

Characters U+202A-U+202E and U+2066-U+2069 reorder how text is displayed ("Trojan Source"): a
command or a condition can read differently in a review, a wiki page or the walk screen from
what it holds. The engine shows them as `<U+202E>` in the terminal; take them out of the source.

Failing:

```yaml
    text: "Delete the replica \u202e!won si siht\u202c"
```

Passing:

```yaml
    text: Delete the replica (this is now safe).
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from runbook_engine.findings import DocPath, Issue, Severity
from runbook_engine.lint.context import RunbookContext
from runbook_engine.terminal_text import BIDI_OVERRIDES, has_bidi_override

CODE = "RB313"
NAME = "bidi-override"
SUMMARY = "a bidi override or isolate character that reorders displayed text"
SEVERITY = Severity.WARNING
_ESCAPED = re.compile(r"\\(u|U0000)20[26]", re.IGNORECASE)
r"""`\u202e` or `\U0000202E` in a double-quoted YAML string."""
HINT = "remove the invisible character: it makes the text display in another order than it reads"


def check(ctx: RunbookContext) -> Iterator[Issue]:
    source = ctx.document.text
    raw = has_bidi_override(source)
    # One scan of the source first: almost no file holds one, raw or as a YAML escape.
    if source and not raw and not _ESCAPED.search(source):
        return
    found = False
    for path, text, is_key in _texts(ctx.data):
        if has_bidi_override(text):
            found = True
            yield Issue(path, f"{_name(text)} in the text", HINT, key=is_key)
    if raw and not found:
        yield Issue((), f"{_name(source)} in a comment", HINT)


def _name(text: str) -> str:
    char = next(char for char in text if char in BIDI_OVERRIDES)
    return f"bidi control U+{ord(char):04X}"


def _texts(data: Any, path: DocPath = ()) -> Iterator[tuple[DocPath, str, bool]]:
    """Every string value and mapping key with its path (keys can be answer labels)."""
    if isinstance(data, str):
        yield path, data, False
    elif isinstance(data, dict):
        for key, value in data.items():
            yield (*path, str(key)), str(key), True
            yield from _texts(value, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*path, index))
