"""JSON Schema validation whose findings point at lines: each error path is mapped to a position.

A valid instance is recognised by a compiled check (`compiled_schema`) in a fraction of
jsonschema's time; jsonschema runs only on failures, to explain them. For `anyOf`/`oneOf` only the
best-matching branch's error is reported, never the whole tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from runbook_engine.findings import Issue
from runbook_engine.format.compiled_schema import Check, Unsupported, compile_schema
from runbook_engine.resources import load_schema

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

SchemaIssue = tuple[str, Issue]
"""The failing JSON Schema keyword (`required`, `type`, `enum`, ...) and the positioned issue."""


@cache
def validator_for(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # here, not at the top: valid files never need it (see fast_check)

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


@cache
def fast_check(name: str) -> Check:
    """The compiled yes/no check for a schema, or jsonschema's own when it cannot be compiled."""
    try:
        return compile_schema(load_schema(name))
    except Unsupported:
        return validator_for(name).is_valid


def schema_issues(data: Any, name: str = "runbook") -> list[Issue]:
    """Every schema problem in `data`, one Issue per error, sorted by where it is."""
    return [issue for _, issue in classified_issues(data, name)]


def classified_issues(data: Any, name: str = "runbook") -> list[SchemaIssue]:
    """Like `schema_issues`, each with the keyword that failed, so rules can tell kinds apart."""
    if fast_check(name)(data):
        return []
    issues = [_issue(error) for error in validator_for(name).iter_errors(data)]
    return sorted(issues, key=lambda item: [str(part) for part in item[1].path])


def is_valid(data: Any, name: str = "runbook") -> bool:
    return bool(fast_check(name)(data))


def _issue(error: ValidationError) -> SchemaIssue:
    error = _deepest(error)
    path = tuple(error.absolute_path)
    keyword = str(error.validator)
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        extra = _unexpected_keys(error)
        if extra:
            allowed = ", ".join(sorted(_schema_of(error).get("properties", {}))) or "none"
            message = f"unknown field {extra[0]!r}"
            return keyword, Issue((*path, extra[0]), message, f"allowed here: {allowed}", key=True)
    if keyword == "required":
        missing = _missing(error)
        if missing:
            return keyword, Issue((*path, missing), _message(error), _hint(error), key=True)
    return keyword, Issue(path, _message(error), _hint(error))


_REQUIRED_MESSAGE = re.compile(r"^'([^']+)' is a required property$")
"""jsonschema reports each missing property in its own error, naming it only in the message."""


def _missing(error: ValidationError) -> str | None:
    """The property a `required` error is about; the issue path names it so rules can filter."""
    named = _REQUIRED_MESSAGE.match(error.message)
    if named is not None:
        return named.group(1)
    instance = error.instance if isinstance(error.instance, dict) else {}
    names = error.validator_value if isinstance(error.validator_value, list) else []
    return next((str(name) for name in names if name not in instance), None)


def _deepest(error: ValidationError) -> ValidationError:
    """Follow `anyOf`/`oneOf` to the branch that matched best."""
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(error.context)
    return error


def _unexpected_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = _schema_of(error).get("properties", {})
    patterns = _schema_of(error).get("patternProperties", {})
    return [str(key) for key in instance if key not in known and not patterns]


def _message(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator in ("enum", "const"):
        return f"{where}: {_short(error.instance)} is not one of the allowed values"
    if error.validator == "pattern":
        return f"{where}: {_short(error.instance)} is not in the allowed form"
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"{where}: {len(error.instance)} characters, more than {error.validator_value}"
    return f"{where}: {_short(error.message, 300)}"


def _short(value: object, limit: int = 60) -> str:
    """A value for a message: its repr, cut so a hostile 100,000-character value stays one line."""
    text = value if isinstance(value, str) and limit > 60 else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _hint(error: ValidationError) -> str:
    schema = _schema_of(error)
    if error.validator == "enum":
        return "use one of: " + ", ".join(str(v) for v in schema.get("enum", []))
    if error.validator == "pattern":
        described = schema.get("description")
        return str(described) if described else f"the value must match {schema.get('pattern')}"
    if error.validator == "required":
        missing = _missing(error)
        field = schema.get("properties", {}).get(missing, {}) if missing else {}
        if missing and isinstance(field, dict) and field.get("description"):
            return f"add `{missing}:`: {field['description']}"
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


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}
