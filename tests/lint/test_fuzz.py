"""Fuzzing loader and linter: whatever YAML-ish text comes in, findings come out, never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook_engine.lint.engine import lint_source
from tests.lint.common import BASE

TOKENS = [*"abc:- \n\t[]{},#&*!|>'\"?%@`0123456789.\\\ufeff", "nodes", "kind: ", "<<", "start: ", "&a ", "*a"]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
LINES = BASE.splitlines(keepends=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_random_yamlish_text_never_raises(text: str) -> None:
    for finding in lint_source(text):
        assert finding.position.line >= 1 and finding.position.column >= 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), max_size=6), YAMLISH)
def test_mangled_runbooks_never_raise(dropped: list[int], inserted: str) -> None:
    lines = [line for number, line in enumerate(LINES) if number not in dropped]
    middle = len(lines) // 2
    text = "".join(lines[:middle]) + inserted + "".join(lines[middle:])
    for finding in lint_source(text):
        assert finding.code.startswith("RB")
