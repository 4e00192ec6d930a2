"""One runbook to the bytes of one output format: DOT and Mermaid text, or an image from `dot`."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from runbook_engine.format.model import Runbook
from runbook_engine.frozen import frozen
from runbook_engine.render.dot import DotOptions, runbook_dot

if TYPE_CHECKING:
    from runbook_engine.render.overlay import Overlay

TEXT_FORMATS = ("dot", "mermaid")
FORMATS = ("svg", "png", "pdf", "dot", "mermaid")
SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot",
            ".mmd": "mermaid", ".mermaid": "mermaid"}


@frozen
class RenderRequest:
    """One rendering asked for: the output format, the drawing options, an incident's overlay."""

    fmt: str = "svg"
    options: DotOptions = field(default_factory=DotOptions)
    overlay: Overlay | None = None


def guess_format(output: Path | None) -> str | None:
    """The format an output file name implies (`out.png` -> png): svg for no name or no suffix,
    None for a suffix that names no format we write (`x.jpg`), which the caller refuses."""
    if output is None or not output.suffix:
        return "svg"
    return SUFFIXES.get(output.suffix.lower())


def render_runbook(runbook: Runbook, request: RenderRequest) -> bytes:
    """The runbook drawn in `request.fmt`; only image formats start `dot`."""
    if request.fmt == "mermaid":
        from runbook_engine.render.mermaid import runbook_mermaid

        options = request.options
        text = runbook_mermaid(runbook, options.direction, options.legend, options.clusters,
                               request.overlay)
        return text.encode("utf-8")
    dot_text = runbook_dot(runbook, request.options, request.overlay)
    if request.fmt == "dot":
        return dot_text.encode("utf-8")
    from runbook_engine.render.backend import render

    return render(dot_text, request.fmt)
