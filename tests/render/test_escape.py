"""Escaping: every output format gets text that cannot close, open or inject anything."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runbook_engine.format.library import load_runbook
from runbook_engine.render.escape import (
    code_fence,
    dot_quote,
    html,
    inline_code,
    markdown,
    mermaid,
    page_link,
    wrap,
)
from runbook_engine.render.page import runbook_page
from tests.render.helpers import FIXTURES


def test_dot_quote_escapes_quotes_and_backslashes() -> None:
    assert dot_quote('a "b" \\N') == '"a \\"b\\" \\\\N"'


def test_dot_quote_turns_newlines_into_escapes() -> None:
    assert dot_quote("a\nb") == '"a\\nb"'


@given(st.text())
def test_dot_quote_body_has_no_unescaped_quote(text: str) -> None:
    body = dot_quote(text)[1:-1]
    assert "\n" not in body
    # Remove escaped pairs; what is left must hold no quote and no lone backslash.
    assert not re.search(r'["\\]', re.sub(r"\\.", "", body))


@given(st.text())
def test_html_leaves_no_markup_characters(text: str) -> None:
    escaped = html(text)
    assert not set("<>\"'") & set(escaped)
    assert re.fullmatch(r"([^&]|&(amp|lt|gt|quot|#39);)*", escaped)


@given(st.text())
def test_markdown_has_no_raw_html(text: str) -> None:
    escaped = markdown(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped


def test_markdown_escapes_links_and_emphasis() -> None:
    assert markdown("[x](javascript:alert(1)) *b* `c`") == "\\[x\\](javascript:alert(1)) \\*b\\* \\`c\\`"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# Heading", "\\# Heading"),
        ("## Sub", "\\## Sub"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. first", "1\\. first"),
        ("12) twelfth", "12\\) twelfth"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("> quoted", "&gt; quoted"),
        ("  # indented", "\\# indented"),
        ("Step 1. then # more", "Step 1. then # more"),
    ],
)
def test_markdown_escapes_what_would_start_a_block(text: str, escaped: str) -> None:
    assert markdown(text) == escaped


def test_a_description_that_looks_like_a_heading_stays_a_paragraph_on_the_page() -> None:
    runbook = load_runbook(FIXTURES / "primary-db-down.yaml")
    page = runbook_page(replace(runbook, description="# Owned by mallory\n\n- [x](y)"), "diagram")
    assert "\n# Owned" not in page and "\n\n\\# Owned by mallory - \\[x\\](y)\n" in page


@given(st.text(alphabet="`ab\n", max_size=30))
def test_code_fence_cannot_be_closed_by_its_content(text: str) -> None:
    fenced = code_fence(text).split("\n")
    fence = fenced[0]
    assert all(not line.startswith(fence) for line in fenced[1:-1])


def test_inline_code_survives_backticks() -> None:
    assert inline_code("a `b` c") == "``a `b` c``"
    assert inline_code("`x`") == "`` `x` ``"


@given(st.text())
def test_mermaid_text_has_no_delimiters(text: str) -> None:
    assert not set('"<>`|\\') & set(mermaid(text))


def test_wrap_breaks_long_words_and_caps_lines() -> None:
    assert wrap("x" * 50, 20) == ["x" * 20, "x" * 20, "x" * 10]
    assert wrap("one two three four five six", 9, max_lines=2) == ["one two", "three…"]


def test_control_characters_are_dropped() -> None:
    assert html("a\x07b\x00c") == "abc"


def test_page_link_percent_encodes() -> None:
    assert page_link("a b/c") == "a%20b%2Fc.md"
