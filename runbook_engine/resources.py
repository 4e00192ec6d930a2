"""Where the project's own files live: the JSON Schemas and the bundled runbook library."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
"""`runbook_engine/schemas` links to the top-level `schemas/`, so installed wheels carry the schemas."""
BUNDLED_RUNBOOKS = PROJECT_ROOT / "runbooks"
DEFAULT_POLICY = Path(__file__).resolve().parent / "default-policy.yaml"
"""A link to `runbooks/policy.yaml`, so installed wheels carry the default severity policy."""


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema from `schemas/` by file stem, e.g. `runbook` or `timeline-event`."""
    with (SCHEMAS_DIR / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
