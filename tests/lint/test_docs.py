"""Rule documentation: every rule documents itself, and docs/rules.md is what the rules say today."""

from __future__ import annotations

import re

import pytest

from runbook_engine.cli.main import main
from runbook_engine.lint.docs import rules_markdown
from runbook_engine.lint.rules import LIBRARY_RULES, RULES, RUNBOOK_RULES, RuleModule
from tests.conftest import REPO

RULES_MD = REPO / "docs" / "rules.md"


def test_rules_md_is_up_to_date() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `runbook lint --list-rules --format markdown -o docs/rules.md`"
    )


def test_the_cli_writes_the_same_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == rules_markdown()


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_rule_docstring_has_title_and_both_examples(rule: RuleModule) -> None:
    doc = rule.__doc__ or ""
    assert doc.startswith(f"{rule.CODE} {rule.NAME}: ")
    assert re.search(r"\nFailing:\n\n```yaml\n.+?\n```", doc, re.DOTALL), "a failing example"
    assert re.search(r"\nPassing:\n\n```yaml\n.+?\n```", doc, re.DOTALL), "a passing example"


def test_registry_codes_names_and_modules_line_up() -> None:
    assert set(RULES) == set(RUNBOOK_RULES) | set(LIBRARY_RULES)
    assert not set(RUNBOOK_RULES) & set(LIBRARY_RULES)
    names = [rule.NAME for rule in RULES.values()]
    assert len(set(names)) == len(names)
    for code, rule in RULES.items():
        assert code == rule.CODE
        assert getattr(rule, "__name__", "").rsplit(".", 1)[-1].startswith(code.lower() + "_")
