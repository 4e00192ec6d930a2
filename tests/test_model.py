"""The runbook model: edges per kind, badges, links, and tolerance of odd shapes."""

from __future__ import annotations

from runbook_engine.format.model import Link, node_from_data, runbook_from_data


def test_edges_come_from_the_field_of_each_kind() -> None:
    check = node_from_data("c", {"kind": "check", "answers": {"yes": "a", "no": "b"}})
    action = node_from_data("a", {"kind": "action", "risk": "safe", "outcomes": {"helped": "r"}})
    cleanup = node_from_data("u", {"kind": "cleanup", "next": "r"})
    assert [(e.label, e.target) for e in check.edges] == [("yes", "a"), ("no", "b")]
    assert check.edges[0].path == ("nodes", "c", "answers", "yes")
    assert [(e.label, e.target) for e in action.edges] == [("helped", "r")]
    assert cleanup.edges[0].path == ("nodes", "u", "next")


def test_badges() -> None:
    safe = node_from_data("s", {"kind": "action", "risk": "safe"})
    risky = node_from_data("r", {"kind": "action", "risk": "risky", "rollback": {"text": "undo"}})
    gone = node_from_data(
        "g",
        {"kind": "action", "risk": "risky", "irreversible": {"consequence": "x", "precheck": "y"}},
    )
    check = node_from_data("c", {"kind": "check"})
    assert [safe.badge, risky.badge, gone.badge, check.badge] == ["SAFE", "RISKY", "IRREVERSIBLE", ""]


def test_terminal_kinds() -> None:
    assert node_from_data("r", {"kind": "resolve"}).is_terminal
    assert node_from_data("h", {"kind": "handoff", "runbook": "x"}).is_terminal
    assert node_from_data("e", {"kind": "escalate", "team": "t"}).is_terminal
    assert not node_from_data("e", {"kind": "escalate", "team": "t", "next": "n"}).is_terminal


def test_links_parse_runbook_and_node() -> None:
    assert Link.parse("redis-max-connections#rollback") == Link("redis-max-connections", "rollback")
    assert str(Link.parse("dns-failures")) == "dns-failures"


def test_odd_shapes_do_not_raise() -> None:
    runbook = runbook_from_data({"nodes": {"a": "not a mapping", "b": {"answers": 3}}, "owners": "x"})
    assert list(runbook.nodes) == ["b"] and runbook.owners == ()


def test_durations_and_steps() -> None:
    node = node_from_data(
        "w",
        {
            "kind": "wait",
            "duration": "10m",
            "step": {"kind": "command", "argv": ["kubectl", "get", "pods"], "timeout": "30s"},
        },
    )
    assert node.duration_s == 600
    assert node.step is not None and node.step.argv == ("kubectl", "get", "pods")
    assert node.step.timeout_s == 30 and node.step.describe() == "kubectl get pods"
