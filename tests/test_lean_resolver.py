"""The loader's lean resolver gives every node the tag and position PyYAML's own safe loader gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from runbook_engine.format import loader

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*REPO.glob("runbooks/*.yaml"), *REPO.glob("tests/fixtures/**/*.yaml"), *REPO.glob("examples/**/*.yaml")]
)

SCALARS = [
    "", "~", "null", "Null", "NULL", "nulls", "yes", "Yes", "YES", "no", "No", "on", "On", "OFF", "off",
    "y", "n", "Y", "N", "true", "True", "TRUE", "false", "False", "trueish", "nothing", "offline",
    "0", "-0", "+1", "017", "0o17", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "1.5", "-1.5e3",
    "1e3", ".5", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1.", "2026-11-28", "2026-11-28 10:00:00",
    "2026-11-28T10:00:00Z", "2026-1-2", "<<", "=", "a", "text", "job=~\".*-api\"", "-", "+", ".",
    "5m", "10 minutes", "!x", "0.0.0.0", "1.2.3",
]


def _compose(text: str, composer: type[yaml.CSafeLoader]) -> yaml.Node | None:
    return yaml.compose(text, Loader=composer)


def _shape(node: yaml.Node | None) -> Iterator[tuple[object, ...]]:
    """Every node's class, tag, scalar value and start and end positions, depth first (an alias's
    node once: a recursive alias would otherwise loop)."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        value = item.value if isinstance(item, yaml.ScalarNode) else None
        start, end = item.start_mark, item.end_mark
        yield type(item).__name__, item.tag, value, start.line, start.column, end.line, end.column
        if isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(part for pair in item.value for part in pair)


@pytest.mark.parametrize("scalar", SCALARS)
def test_a_plain_or_quoted_scalar_gets_the_stock_tag(scalar: str) -> None:
    flow = f"[{scalar}]\n" if scalar else "[]\n"
    for text in (f"k: {scalar}\n", f"k: '{scalar}'\n", flow, f"{scalar}: v\n"):
        try:
            stock = list(_shape(_compose(text, yaml.CSafeLoader)))
        except yaml.YAMLError:
            continue  # not valid YAML as written here: nothing to compare
        assert list(_shape(_compose(text, loader._Loader))) == stock, text


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(REPO)))
def test_every_node_of_every_runbook_and_fixture_has_the_stock_tag_and_position(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        stock = list(_shape(_compose(text, yaml.CSafeLoader)))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            _compose(text, loader._Loader)
        return
    assert list(_shape(_compose(text, loader._Loader))) == stock


def test_the_lean_resolver_is_what_the_loader_composes_with() -> None:
    assert issubclass(loader._Loader, yaml.CSafeLoader)
    assert loader._Loader.resolve is not vars(yaml.resolver.BaseResolver)["resolve"]
