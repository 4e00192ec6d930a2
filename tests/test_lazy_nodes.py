"""A runbook built lazily (the walk's) is the same runbook as one built at once (lint's)."""

from __future__ import annotations

from runbook_engine.format.loader import load_path
from runbook_engine.format.model import LazyNodes, runbook_from_data
from tests.conftest import RUNBOOKS


def test_lazy_and_eager_runbooks_are_equal_and_keep_file_order() -> None:
    data = load_path(RUNBOOKS / "redis-max-connections.yaml").data
    eager, lazy = runbook_from_data(data), runbook_from_data(data, lazy=True)
    assert isinstance(lazy.nodes, LazyNodes)
    last = list(eager.nodes)[-1]
    assert lazy.nodes[last] == eager.nodes[last]  # built out of order first
    assert list(lazy.nodes.values()) == list(eager.nodes.values())
    assert list(lazy.nodes.items()) == list(eager.nodes.items())
    assert lazy == eager


def test_lookups_build_only_what_they_touch() -> None:
    data = load_path(RUNBOOKS / "redis-max-connections.yaml").data
    nodes = runbook_from_data(data, lazy=True).nodes
    assert isinstance(nodes, LazyNodes)
    first = next(iter(nodes))
    assert first in nodes and "no-such-node" not in nodes and nodes.get("no-such-node") is None
    assert nodes[first].id == first
    assert list(nodes._built) == [first]
