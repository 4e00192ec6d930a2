"""RB206 unknown-link: an escalation or handoff names a runbook (or `runbook#node`) the library lacks.

The library is every runbook linted in the same run, plus the runbook files beside them: linting
only changed files (as pre-commit does) still resolves links to their unchanged neighbours.

Failing:

```yaml
  hand-to-dba:
    kind: handoff
    text: Continue with the database runbook.
    runbook: db-pool-exhausted#check-pool     # the runbook has no node check-pool
```

Passing:

```yaml
    runbook: db-pool-exhausted#pool-at-limit
```
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from runbook_engine.findings import Severity
from runbook_engine.lint.index import IndexEntry, Located

CODE = "RB206"
NAME = "unknown-link"
SUMMARY = "a link to a runbook or node the library does not have"
SEVERITY = Severity.ERROR


def check(entries: Sequence[IndexEntry]) -> Iterator[Located]:
    by_id: dict[str, IndexEntry] = {}
    for entry in entries:
        by_id.setdefault(entry.id, entry)
    for entry in entries:
        for ref in entry.links:
            if CODE in ref.suppressed:
                continue
            target = by_id.get(ref.link.runbook)
            if target is None:
                yield Located(entry.path, ref.position, f"link to unknown runbook {ref.link.runbook!r}",
                              "link to the `id` of a runbook in the library", ref.node)
            elif ref.link.node is not None and not target.has_node(ref.link.node):
                yield Located(entry.path, ref.position,
                              f"runbook {ref.link.runbook!r} has no node {ref.link.node!r}",
                              "link to one of its node ids, or to the runbook alone", ref.node)
