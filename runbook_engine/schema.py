"""JSON Schema validation whose findings point at lines: each error path is mapped to a position.

For `anyOf`/`oneOf` only the best-matching branch's error is reported, never the whole tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from runbook_engine.findings import Issue
from runbook_engine.resources import load_schema


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)  # type: ignore[no-any-return]


def schema_issues(data: Any, name: str = "runbook") -> list[Issue]:
    """Every schema problem in `data`, one Issue per error, sorted by where it is."""
    issues = [_issue(error) for error in validator_for(name).iter_errors(data)]
    return sorted(issues, key=lambda issue: [str(part) for part in issue.path])


def is_valid(data: Any, name: str = "runbook") -> bool:
    return bool(validator_for(name).is_valid(data))


def _issue(error: ValidationError) -> Issue:
    error = _deepest(error)
    path = tuple(error.absolute_path)
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extra = _unexpected_keys(error)
        if extra:
            allowed = ", ".join(sorted(error.schema.get("properties", {}))) or "none"
            return Issue((*path, extra[0]), f"unknown field {extra[0]!r}", f"allowed here: {allowed}", key=True)
    return Issue(path, _message(error), _hint(error))


def _deepest(error: ValidationError) -> ValidationError:
    """Follow `anyOf`/`oneOf` to the branch that matched best."""
    while error.context:
        error = best_match(error.context)
    return error


def _unexpected_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = error.schema.get("properties", {})
    patterns = error.schema.get("patternProperties", {})
    return [str(key) for key in instance if key not in known and not patterns]


def _message(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator in ("enum", "const"):
        return f"{where}: {error.instance!r} is not one of the allowed values"
    return f"{where}: {error.message}"


def _hint(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "enum":
        return "use one of: " + ", ".join(str(v) for v in schema.get("enum", []))
    if error.validator == "pattern":
        return f"the value must match {schema.get('pattern')}"
    described = schema.get("description") or _parent_description(error)
    return str(described or "see docs/format.md")


def _parent_description(error: ValidationError) -> str | None:
    for schema in _schema_chain(error):
        description = schema.get("description") if isinstance(schema, dict) else None
        if description:
            return str(description)
    return None


def _schema_chain(error: ValidationError) -> Iterator[Any]:
    parent = error.parent
    while parent is not None:
        yield parent.schema
        parent = parent.parent
