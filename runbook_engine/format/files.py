"""Which file names are runbooks, and the runbooks directly in a folder (one listing, no stat each)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
NOT_RUNBOOKS = frozenset(
    {"policy.yaml", "policy.yml", ".runbook.yaml", ".runbook.yml", ".pre-commit-hooks.yaml"}
)
"""Files that live beside runbooks but are not runbooks (drills live under a `drills/` folder)."""
DRILL_SUFFIXES = (".drill.yaml", ".drill.yml")
"""A drill may also sit beside its runbook under this suffix."""


def is_runbook_name(name: str) -> bool:
    return (
        name.endswith(YAML_SUFFIXES)
        and name not in YAML_SUFFIXES
        and name not in NOT_RUNBOOKS
        and not name.endswith(DRILL_SUFFIXES)
    )


def neighbour_folders(files: Iterable[Path]) -> list[Path]:
    return sorted({path.parent for path in files if path.exists()})


def runbook_names(folder: Path) -> list[str]:
    """Names of the runbook files directly in `folder`, sorted."""
    with os.scandir(folder) as listing:
        names = [item.name for item in listing if is_runbook_name(item.name) and item.is_file()]
    return sorted(names)
