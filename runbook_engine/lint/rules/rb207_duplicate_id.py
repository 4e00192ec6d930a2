"""RB207 duplicate-id: two runbooks in the library share one `id`, so links and alerts are ambiguous.

Reported on every file but the first (in path order), naming the first.

Failing:

```yaml
# runbooks/redis.yaml
id: redis-max-connections
# runbooks/redis-copy.yaml
id: redis-max-connections
```

Passing:

```yaml
# runbooks/redis-copy.yaml
id: redis-max-connections-sessions
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from runbook_engine.findings import Severity
from runbook_engine.lint.index import IndexEntry, Located

CODE = "RB207"
NAME = "duplicate-id"
SUMMARY = "two runbooks share an id"
SEVERITY = Severity.ERROR


def check(entries: Sequence[IndexEntry]) -> Iterator[Located]:
    first: dict[str, IndexEntry] = {}
    for entry in sorted(entries, key=lambda item: item.path):
        if not entry.id:
            continue
        if entry.id in first:
            yield Located(entry.path, entry.id_position, f"runbook id {entry.id!r} is already used",
                          f"first used by {first[entry.id].path}; ids must be unique in the library")
        else:
            first[entry.id] = entry
