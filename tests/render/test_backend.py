"""The dot backend: the only place that runs dot, and its errors."""

from __future__ import annotations

import sys

import pytest

from runbook_engine.errors import EXIT_INTERNAL, EXIT_USAGE, EngineError
from runbook_engine.render.backend import DotFailed, DotNotFound, render


@pytest.mark.needs_dot
def test_render_returns_svg_bytes() -> None:
    assert b"<svg" in render('digraph { a -> b }', "svg")


@pytest.mark.needs_dot
def test_dot_rejecting_our_text_is_an_internal_error_with_dots_message() -> None:
    with pytest.raises(DotFailed) as caught:
        render("digraph { a -> }", "svg")
    assert caught.value.exit_code == EXIT_INTERNAL and "syntax error" in caught.value.message


def test_missing_python_package_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(DotNotFound) as caught:
        render("digraph {}", "svg")
    assert caught.value.exit_code == EXIT_USAGE and "pip install graphviz" in caught.value.hint


def test_unknown_image_format_is_refused() -> None:
    with pytest.raises(EngineError, match="cannot render 'gif'"):
        render("digraph {}", "gif")
