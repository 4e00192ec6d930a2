"""Checks shared by the render tests: a Mermaid syntax checker and SVG helpers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

SAFE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DECLARATION = re.compile(r'^\s*([^\s"(\[{>]+)(\{\{"|\("|>"|\["|\(\["|\[/"|\(\("|\[\\"|\[\["|\["|\[")')
EDGE = re.compile(r'^\s*(\S+) (-->|-\.->)(\|"[^"]*"\|)? (\S+)$')
SVG_NS = "{http://www.w3.org/2000/svg}"
HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"


def _strip_quoted(line: str) -> str:
    """The line with labels emptied; the asymmetric shape `>"..."]` counts as a bracket pair."""
    return re.sub(r'"[^"]*"', '""', line).replace('>""]', '[""]')


def check_mermaid(text: str) -> list[str]:
    """Problems in a Mermaid flowchart as we write it: empty when the syntax holds."""
    problems: list[str] = []
    lines = text.splitlines()
    if not lines or not re.fullmatch(r"flowchart (TB|LR)", lines[0]):
        problems.append("first line is not `flowchart TB|LR`")
    declared: dict[str, int] = {}
    depth = 0
    for number, line in enumerate(lines[1:], start=2):
        if line.count('"') % 2:
            problems.append(f"line {number}: unbalanced quotes")
        bare = _strip_quoted(line)
        if any(bare.count(o) != bare.count(c) for o, c in ("()", "[]", "{}")):
            problems.append(f"line {number}: unbalanced brackets outside quotes: {line}")
        stripped = line.strip()
        if stripped.startswith("subgraph "):
            depth += 1
            continue
        if stripped == "end":
            depth -= 1
            continue
        edge = EDGE.match(line)
        if edge:
            for ident in (edge.group(1), edge.group(4)):
                if not SAFE_ID.match(ident):
                    problems.append(f"line {number}: unsafe id {ident!r}")
            continue
        match = DECLARATION.match(line)
        if match:
            ident = match.group(1)
            if not SAFE_ID.match(ident):
                problems.append(f"line {number}: unsafe id {ident!r}")
            if ident in declared:
                problems.append(f"line {number}: {ident} declared again (first on {declared[ident]})")
            declared[ident] = number
    if depth != 0:
        problems.append("subgraph/end unbalanced")
    for edge_line in (m for m in map(EDGE.match, lines) if m):
        for ident in (edge_line.group(1), edge_line.group(4)):
            if ident not in declared:
                problems.append(f"edge to undeclared node {ident}")
    return problems


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def svg_groups(data: bytes) -> dict[str, str]:
    """SVG group id -> class, for every node and edge group dot wrote."""
    root = svg_root(data)
    return {
        g.get("id", ""): g.get("class", "")
        for g in root.iter(f"{SVG_NS}g")
        if g.get("class", "").split(" ")[0] in ("node", "edge")
    }
