"""Making runbook text inert wherever it is drawn: DOT strings, HTML-like labels, Markdown, Mermaid.

Every piece of text that comes from a runbook passes through one of these functions before it
reaches an output format; builders never concatenate raw runbook text.
"""

from __future__ import annotations

import re
import textwrap
from urllib.parse import quote

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters XML (hence SVG) forbids outright; tabs and newlines are handled separately."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]|~$])")
"""Markdown characters that act anywhere in a line."""

_BLOCK_START = re.compile(r"^(?:([#>+=:-])|(\d{1,9})([.)]))")
"""Markers that act at the start of a line (heading, quote, list item, setext or thematic rule).
Escaped text may itself start a line (a description paragraph), so these are escaped too."""
_BLOCK_FIRST = frozenset("#>+=:-0123456789")


def clean(text: str) -> str:
    """Drop control characters and turn tabs and carriage returns into plain whitespace."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    if text.isprintable() and "  " not in text and text.strip() == text:
        return text
    return " ".join(clean(text).split())


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Wrap text to lines of at most `width` characters; long words are broken, not overflowed."""
    text = one_line(text)
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(
        one_line(text), width, break_long_words=True, break_on_hyphens=False
    ) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], width)]
    return lines


def _ellipsize(line: str, width: int) -> str:
    return (line[: width - 1] if len(line) >= width else line) + "…"


def dot_quote(text: str) -> str:
    """A DOT double-quoted string holding `text` literally (no escString expansion like \\N or \\l)."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    body = clean(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def html(text: str) -> str:
    """Text for an HTML-like DOT label, or for HTML/SVG: every markup character becomes an entity."""
    text = one_line(text)
    if "&" not in text and "<" not in text and ">" not in text and '"' not in text and "'" not in text:
        return text
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def dot_html(text: str) -> str:
    """Text for an HTML-like DOT label: HTML escaping, plus doubled backslashes.

    dot expands `\\N`, `\\G` and friends even inside HTML-like labels (entities included), so a
    literal backslash has to be written as two.
    """
    return html(text).replace("\\", "\\\\")


def html_lines(lines: list[str]) -> str:
    """Several lines for an HTML-like DOT label, each escaped; the table cell decides alignment."""
    return "<BR/>".join(dot_html(line) for line in lines)


def dot_tooltip(text: str) -> str:
    """A quoted DOT tooltip. dot 2.43 expands escapes in tooltips twice, so no doubling of
    backslashes is stable across versions: they are shown as the look-alike U+29F5 instead."""
    return dot_quote(one_line(text).replace("\\", "\u29f5"))


def markdown(text: str) -> str:
    """Inline Markdown text: markup characters backslash-escaped, HTML turned into entities."""
    entities = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _MARKDOWN_SPECIAL.search(entities) is None:  # most text: no template expansion per match
        inline = entities
    else:
        inline = _MARKDOWN_SPECIAL.sub(_backslashed, entities)
    if inline[:1] not in _BLOCK_FIRST:  # most text: no line-start marker
        return inline
    return _BLOCK_START.sub(_escape_block_start, inline)


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group(1)


def _escape_block_start(match: re.Match[str]) -> str:
    marker, number, delimiter = match.groups()
    return f"\\{marker}" if marker else f"{number}\\{delimiter}"


def code_fence(text: str, info: str = "") -> str:
    """A fenced code block that no backtick run inside `text` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{clean(text)}\n{fence}"


def inline_code(text: str) -> str:
    """Inline code that survives backticks in `text` (CommonMark: a longer backtick run)."""
    body = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "`": "#96;",
    "|": "#124;",
    "\\": "#92;",
}


def mermaid(text: str) -> str:
    """Text for a quoted Mermaid label: markup and delimiters become Mermaid entity codes."""
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in one_line(text))


def mermaid_lines(lines: list[str]) -> str:
    return "<br/>".join(mermaid(line) for line in lines)


def page_link(runbook_id: str, suffix: str = ".md") -> str:
    """The relative link to a runbook's wiki page (or diagram), percent-encoded to stay a link."""
    return quote(runbook_id, safe="") + suffix
