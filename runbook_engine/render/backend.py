"""The one place that runs graphviz's `dot`: DOT text in, image bytes out, clear errors otherwise.

The `graphviz` package is imported here and only when an image is asked for, so `runbook lint` and
`runbook walk` never pay for it, and `-f dot` / `-f mermaid` work on machines without graphviz.
"""

from __future__ import annotations

from runbook_engine.errors import EXIT_INTERNAL, EngineError

IMAGE_FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "install graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`); "
    "`-f dot` and `-f mermaid` work without it"
)


class DotNotFound(EngineError):
    """Graphviz's `dot` program (or the `graphviz` Python package) is missing."""


class DotFailed(EngineError):
    """`dot` rejected the DOT text we generated: a bug in runbook-engine, not in the runbook."""

    exit_code = EXIT_INTERNAL


def render(dot_text: str, fmt: str) -> bytes:
    """Run `dot -T<fmt>` on `dot_text` and return the output bytes."""
    if fmt not in IMAGE_FORMATS:
        raise EngineError(f"cannot render {fmt!r} with dot; choose one of {', '.join(IMAGE_FORMATS)}")
    try:
        import graphviz
    except ImportError:
        raise DotNotFound(
            f"rendering {fmt} needs the `graphviz` Python package, which is not installed",
            "reinstall runbook-engine (`pip install runbook-engine`) or `pip install graphviz`",
        ) from None
    try:
        output: bytes = graphviz.pipe("dot", fmt, dot_text.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound:
        raise DotNotFound(
            f"rendering {fmt} needs graphviz's `dot` program, which is not on PATH", INSTALL_HINT
        ) from None
    except graphviz.CalledProcessError as exc:
        raise DotFailed(
            f"dot failed (exit {exc.returncode}): {_first_lines(exc.stderr)}",
            "this is a bug in runbook-engine; `-f dot` shows the text that dot refused",
        ) from None
    return output


def _first_lines(stderr: bytes | str | None, count: int = 3) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else (stderr or "")
    return " | ".join(text.strip().splitlines()[:count]) or "no message"
