"""Mermaid output: syntax we can check without a browser (balanced, each id once, safe ids)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.format.library import discover, load_runbook
from runbook_engine.render.mermaid import runbook_mermaid
from runbook_engine.render.overlay import PathStep, build_overlay
from tests.conftest import RUNBOOKS
from tests.render.helpers import FIXTURES, check_mermaid

CASES = [*discover([str(RUNBOOKS)]), FIXTURES / "primary-db-down.yaml", FIXTURES / "hostile.yaml"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_mermaid_syntax_holds(path: Path) -> None:
    runbook = load_runbook(path)
    text = runbook_mermaid(runbook)
    assert check_mermaid(text) == []
    assert text.count("\n  n") >= len(runbook.nodes)


def test_checker_catches_what_it_claims_to() -> None:
    bad = 'flowchart TB\n  n1["a"]\n  n1["b"]\n  n-2("c")\n  n1 --> n9\n  subgraph x\n  q["unbalanced]\n'
    problems = "\n".join(check_mermaid(bad))
    for expected in ("declared again", "unsafe id", "undeclared node n9", "subgraph/end", "quotes"):
        assert expected in problems


def test_mermaid_marks_risky_and_loops() -> None:
    text = runbook_mermaid(load_runbook(FIXTURES / "primary-db-down.yaml"), direction="LR")
    assert text.startswith("flowchart LR")
    assert "IRREVERSIBLE - cannot be undone - needs IC approval" in text
    assert "action (degrade)" in text  # the declared strategy, under the title
    assert '-.->|"still-down (loop)"|' in text
    assert "classDef action_irreversible" in text


def test_mermaid_overlay_marks_visited_nodes() -> None:
    runbook = load_runbook(FIXTURES / "primary-db-down.yaml")
    overlay = build_overlay("INC-1", runbook, [PathStep("primary-answers", answer="yes"),
                                               PathStep("pool-full")])
    text = runbook_mermaid(runbook, overlay=overlay)
    assert "  class n1,n2 visited" in text
    assert '|"#35;1 yes"|' in text  # `#` itself is entity-escaped in Mermaid labels
    assert check_mermaid(text) == []
