"""Where things live: the JSON Schemas, the bundled runbooks and policy, the default incident store."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
"""`runbook_engine/schemas` links to the top-level `schemas/`, so installed wheels carry the schemas."""
BUNDLED_RUNBOOKS = PROJECT_ROOT / "runbooks"
DEFAULT_POLICY = Path(__file__).resolve().parent / "default-policy.yaml"
"""A link to `runbooks/policy.yaml`, so installed wheels carry the default severity policy."""


DEFAULT_STORE = Path(".runbook") / "incidents.db"
STORE_ENV = "RUNBOOK_STORE"


def default_store(environ: Mapping[str, str] | None = None) -> str:
    """`$RUNBOOK_STORE` (a file or a `postgresql://` URL) when set, else `.runbook/incidents.db`."""
    env = os.environ if environ is None else environ
    return env.get(STORE_ENV) or str(DEFAULT_STORE)


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$RUNBOOK_STORE` when set, else `.runbook/incidents.db` under the working directory."""
    env = os.environ if environ is None else environ
    return Path(env.get(STORE_ENV) or DEFAULT_STORE)


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema from `schemas/` by file stem, e.g. `runbook` or `timeline-event`."""
    with (SCHEMAS_DIR / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
