"""The compiled schema check agrees with jsonschema: on every fixture, on mutations, on the policy."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook_engine.format.compiled_schema import Unsupported, compile_schema, json_equal
from runbook_engine.format.loader import LoadError, load_path
from runbook_engine.format.schema import classified_issues, fast_check, validator_for
from runbook_engine.resources import DEFAULT_POLICY, load_schema
from tests.conftest import FIXTURES, RUNBOOKS

FILES = sorted([*FIXTURES.glob("*/*.y*ml"), *RUNBOOKS.glob("*.yaml")])
VALUES: list[Any] = [None, True, 0, 1.5, "", "x", "SEV-9", "5m", [], ["a", "a"], {}, {"kind": "check"}]


def loaded(path: Path) -> Any:
    try:
        return load_path(path).data
    except LoadError:
        return None


def agree(data: Any, name: str = "runbook") -> bool:
    return bool(fast_check(name)(data)) == bool(validator_for(name).is_valid(data))


@pytest.mark.parametrize("path", FILES, ids=[f"{path.parent.name}/{path.stem}" for path in FILES])
def test_agrees_on_every_fixture_and_runbook(path: Path) -> None:
    name = "policy" if path.name == "policy.yaml" else "runbook"
    assert agree(loaded(path), name)


def all_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += all_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += all_paths(value, (*prefix, index))
    return found


BASE_DATA = loaded(FIXTURES / "good" / "demo.yaml")
PATHS = all_paths(BASE_DATA)[1:]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(PATHS), st.sampled_from(VALUES), st.booleans())
def test_agrees_on_mutated_runbooks(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    data = copy.deepcopy(BASE_DATA)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(value)
    assert agree(data)


def test_valid_data_skips_jsonschema_and_invalid_data_is_explained() -> None:
    assert classified_issues(BASE_DATA) == []
    keywords = [keyword for keyword, _ in classified_issues({**BASE_DATA, "severity": "P1"})]
    assert keywords == ["enum"]


def test_policy_schema_is_compiled_too() -> None:
    assert agree(loaded(DEFAULT_POLICY), "policy")
    compile_schema(load_schema("policy"))


def test_unknown_keywords_are_refused() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "string", "contentEncoding": "base64"})


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"oneOf": [{"type": "string"}, {"minLength": 2}]}, "ab"),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, 3),
        ({"not": {"type": "null"}}, None),
        ({"enum": [1, True]}, 1.0),
        ({"const": 1}, True),
        ({"uniqueItems": True}, [{"a": 1}, {"a": 1}]),
        ({"uniqueItems": True}, [1, True]),
        ({"type": "number"}, False),
        ({"type": ["integer", "null"]}, None),
        ({"maxLength": 2}, "abc"),
        ({"propertyNames": {"pattern": "^a"}}, {"b": 1}),
        ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "integer"}}, 1.5),
        ({"items": {"type": "string"}, "minItems": 1}, []),
        ({"minimum": 1}, 0),
        ({"minimum": 1}, 1.0),
        ({"minimum": 1}, True),
        ({"minimum": 1}, "0"),
        ({"maximum": 0}, 0.5),
        ({"type": "string", "format": "date-time"}, "not a time"),
    ],
)
def test_agrees_on_keyword_corners(schema: dict[str, Any], instance: Any) -> None:
    assert compile_schema(schema)(instance) == jsonschema.Draft202012Validator(schema).is_valid(instance)


def test_json_equality_keeps_booleans_apart_from_numbers() -> None:
    assert json_equal([1, {"a": 2.0}], [1.0, {"a": 2}])
    assert not json_equal(True, 1) and not json_equal([True], [1]) and not json_equal({"a": 1}, {"b": 1})
