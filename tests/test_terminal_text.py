"""terminal_text: every control character and bidi control becomes visible; plain text is untouched."""

from __future__ import annotations

import pytest

from runbook_engine.terminal_text import has_bidi_override, visible, visible_line

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;cm0gLXJm\x07\x9b31m\x1b[8mhidden\u202egnp.exe\u2066x\u2069"


def test_nothing_that_a_terminal_interprets_survives() -> None:
    shown = visible(HOSTILE)
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in shown)
    assert not has_bidi_override(shown)
    assert shown.startswith("^[]0;PWNED^G^[[2J^[]52;c;")
    assert "<9b>31m" in shown and "<U+202E>gnp.exe<U+2066>x<U+2069>" in shown


@pytest.mark.parametrize("text", ["plain text", "Größe 5 € ✓", "日本語", "tabs\tand\nlines"])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible(text) == text


def test_one_line_form_shows_newlines_and_carriage_returns() -> None:
    assert visible_line("a\nb\r\tc") == "a^Jb^M^Ic"
    assert visible("a\r\nb\x7f") == "a^M\nb^?"


def test_every_character_shown_differently_is_one_that_isprintable_rejects() -> None:
    """`visible` and `visible_line` return printable text untouched without looking it up: that
    shortcut holds only while every character the tables rewrite is non-printable."""
    from runbook_engine.terminal_text import _LINES, _ONE_LINE

    assert [chr(code) for code in {**_LINES, **_ONE_LINE} if chr(code).isprintable()] == []
