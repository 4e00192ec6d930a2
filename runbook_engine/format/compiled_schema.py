"""A fast yes/no JSON Schema check: the schema compiled once into nested Python closures.

python-jsonschema re-interprets the schema for every instance and costs ~10 ms per runbook, most of
a naive linter's time. Valid files are the common case, so they are answered here; only a file that
fails is handed to jsonschema, whose errors explain what is wrong. The compiler knows the keywords
our schemas use; a schema with any other keyword raises `Unsupported` and callers use jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)


OBJECT_KEYWORDS = frozenset({"type", "properties", "additionalProperties", "required"})
STRING_KEYWORDS = frozenset({"type", "minLength", "maxLength", "pattern"})


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TYPES: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "integer": _is_integer,
    "number": _is_number,
}


def json_equal(left: Any, right: Any) -> bool:
    """Equality as JSON means it: `true` is not `1`, and containers compare element-wise."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(v, right[k]) for k, v in left.items())
    return bool(left == right) and _is_number(left) == _is_number(right)


class Compiler:
    """Compiles one root schema; `$ref`s to `#/...` are resolved lazily so recursion works."""

    def __init__(self, root: Mapping[str, Any]) -> None:
        self._root = root
        self._refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda value: True
        if schema is False:
            return lambda value: False
        if not isinstance(schema, Mapping):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check | None] = []
        skip: frozenset[str] = frozenset()
        if schema.get("type") == "object" and not schema.get("patternProperties"):
            checks, skip = [self._object(schema)], OBJECT_KEYWORDS
        elif schema.get("type") == "string":
            checks, skip = [_string(schema)], STRING_KEYWORDS
        checks += [self._keyword(name, arg, schema) for name, arg in schema.items() if name not in skip]
        return _all(tuple(check for check in checks if check is not None))

    def _object(self, schema: Mapping[str, Any]) -> Check:
        """`type: object` with its properties, additionalProperties and required in one pass."""
        properties = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        extra = self.compile(schema.get("additionalProperties", True))
        required = tuple(schema.get("required", ()))

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for key, item in value.items():
                if not properties.get(key, extra)(item):
                    return False
            return all(name in value for name in required)

        return check

    def _keyword(self, name: str, arg: Any, schema: Mapping[str, Any]) -> Check | None:
        if name in ANNOTATIONS or name in ("then", "else", "patternProperties"):
            return None
        handler = getattr(self, "_k_" + name.lstrip("$"), None)
        if handler is None:
            raise Unsupported(name)
        return handler(arg, schema)  # type: ignore[no-any-return]

    def _k_ref(self, ref: str, schema: Mapping[str, Any]) -> Check:
        if not ref.startswith("#"):
            raise Unsupported(f"$ref {ref}")
        refs = self._refs
        if ref in refs:
            return refs[ref]
        # While `ref` compiles, a recursive use of it looks it up at call time.
        refs[ref] = lambda value: refs[ref](value)
        refs[ref] = self.compile(self._pointer(ref))
        return refs[ref]

    def _pointer(self, ref: str) -> Any:
        target: Any = self._root
        for part in ref[1:].split("/")[1:]:
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target

    def _k_type(self, arg: str | list[str], schema: Mapping[str, Any]) -> Check:
        checks = tuple(TYPES[name] for name in ([arg] if isinstance(arg, str) else arg))
        return lambda value: any(check(value) for check in checks)

    def _k_enum(self, arg: list[Any], schema: Mapping[str, Any]) -> Check:
        if all(isinstance(item, str) for item in arg):
            allowed = frozenset(arg)
            return lambda value: isinstance(value, str) and value in allowed
        return lambda value: any(json_equal(value, item) for item in arg)

    def _k_const(self, arg: Any, schema: Mapping[str, Any]) -> Check:
        return lambda value: json_equal(value, arg)

    def _k_pattern(self, arg: str, schema: Mapping[str, Any]) -> Check:
        search = re.compile(arg).search
        return lambda value: not isinstance(value, str) or search(value) is not None

    def _k_minLength(self, arg: int, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        return lambda value: not isinstance(value, str) or len(value) >= arg

    def _k_maxLength(self, arg: int, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        return lambda value: not isinstance(value, str) or len(value) <= arg

    def _k_minimum(self, arg: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value >= arg

    def _k_maximum(self, arg: float, schema: Mapping[str, Any]) -> Check:
        return lambda value: not _is_number(value) or value <= arg

    def _k_format(self, arg: str, schema: Mapping[str, Any]) -> None:
        """An annotation, as for jsonschema without a format checker (what explains a failure here)."""

    def _k_minItems(self, arg: int, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        return lambda value: not isinstance(value, list) or len(value) >= arg

    def _k_minProperties(self, arg: int, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        return lambda value: not isinstance(value, dict) or len(value) >= arg

    def _k_uniqueItems(self, arg: bool, schema: Mapping[str, Any]) -> Check | None:  # noqa: N802
        return _unique if arg else None

    def _k_items(self, arg: Any, schema: Mapping[str, Any]) -> Check:
        item = self.compile(arg)
        return lambda value: not isinstance(value, list) or all(map(item, value))

    def _k_required(self, arg: list[str], schema: Mapping[str, Any]) -> Check:
        names = tuple(arg)
        return lambda value: not isinstance(value, dict) or all(name in value for name in names)

    def _k_properties(self, arg: Mapping[str, Any], schema: Mapping[str, Any]) -> Check:
        checks = {name: self.compile(sub) for name, sub in arg.items()}

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            return all(checks[key](item) for key, item in value.items() if key in checks)

        return check

    def _k_additionalProperties(self, arg: Any, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        if schema.get("patternProperties"):
            raise Unsupported("patternProperties")
        known = frozenset(schema.get("properties", {}))
        extra = self.compile(arg)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            return all(extra(item) for key, item in value.items() if key not in known)

        return check

    def _k_propertyNames(self, arg: Any, schema: Mapping[str, Any]) -> Check:  # noqa: N802
        name = self.compile(arg)
        return lambda value: not isinstance(value, dict) or all(map(name, value))

    def _k_allOf(self, arg: list[Any], schema: Mapping[str, Any]) -> Check:  # noqa: N802
        switch = _discriminator(arg)
        if switch is not None:
            return self._switch(*switch)
        checks = tuple(self.compile(sub) for sub in arg)
        return lambda value: all(check(value) for check in checks)

    def _switch(self, field: str, branches: list[tuple[frozenset[str], bool, Any]]) -> Check:
        """`allOf` of `if kind is X then ...`: pick the branches by the field's value, not all of them."""
        compiled = [(values, required, self.compile(then)) for values, required, then in branches]
        table: dict[str, list[Check]] = {}
        for values, _, then in compiled:
            for name in values:
                table.setdefault(name, []).append(then)
        unconditional = tuple(then for _, required, then in compiled if not required)
        everything = tuple(then for _, _, then in compiled)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return all(then(value) for then in everything)
            if field not in value:
                return all(then(value) for then in unconditional)
            key = value[field]
            return not isinstance(key, str) or all(then(value) for then in table.get(key, ()))

        return check

    def _k_anyOf(self, arg: list[Any], schema: Mapping[str, Any]) -> Check:  # noqa: N802
        checks = tuple(self.compile(sub) for sub in arg)
        return lambda value: any(check(value) for check in checks)

    def _k_oneOf(self, arg: list[Any], schema: Mapping[str, Any]) -> Check:  # noqa: N802
        checks = tuple(self.compile(sub) for sub in arg)
        return lambda value: sum(1 for check in checks if check(value)) == 1

    def _k_not(self, arg: Any, schema: Mapping[str, Any]) -> Check:
        inner = self.compile(arg)
        return lambda value: not inner(value)

    def _k_if(self, arg: Any, schema: Mapping[str, Any]) -> Check:
        condition = self.compile(arg)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda value: then(value) if condition(value) else otherwise(value)


def _all(checks: tuple[Check, ...]) -> Check:
    """One check from several, without a generator per call for the common short cases."""
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    return lambda value: all(check(value) for check in checks)


def _string(schema: Mapping[str, Any]) -> Check:
    """`type: string` with its length bounds and pattern in one call."""
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    search = re.compile(schema["pattern"]).search if "pattern" in schema else None

    def check(value: Any) -> bool:
        if not isinstance(value, str) or len(value) < low or (high is not None and len(value) > high):
            return False
        return search is None or search(value) is not None

    return check


def _unique(value: Any) -> bool:
    if not isinstance(value, list):
        return True
    if all(isinstance(item, str) for item in value):
        return len(set(value)) == len(value)
    return not any(
        json_equal(value[i], value[j]) for i in range(len(value)) for j in range(i + 1, len(value))
    )


def _discriminator(branches: list[Any]) -> tuple[str, list[tuple[frozenset[str], bool, Any]]] | None:
    """`(field, [(values, if-requires-field, then)])` when every branch is `if field in strings then`."""
    fields: set[str] = set()
    found = []
    for branch in branches:
        condition = branch.get("if") if isinstance(branch, Mapping) else None
        if not isinstance(condition, Mapping) or set(branch) != {"if", "then"}:
            return None
        properties = condition.get("properties", {})
        if set(condition) - {"properties", "required"} or len(properties) != 1:
            return None
        (field, test), = properties.items()
        values = _branch_values(test)
        if not values or not all(isinstance(item, str) for item in values):
            return None
        required = condition.get("required", [])
        if required not in ([], [field]):
            return None
        fields.add(field)
        found.append((frozenset(values), bool(required), branch["then"]))
    return (fields.pop(), found) if len(fields) == 1 else None


def _branch_values(test: Any) -> list[Any] | None:
    if isinstance(test, Mapping) and set(test) == {"const"}:
        return [test["const"]]
    if isinstance(test, Mapping) and set(test) == {"enum"}:
        return list(test["enum"])
    return None


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A function telling whether an instance is valid; raises Unsupported for unknown keywords."""
    return Compiler(schema).compile(schema)
