"""Hostile text in every field: the output stays valid and inert in DOT, SVG, Mermaid and Markdown."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from runbook_engine.format.library import load_runbook
from runbook_engine.format.model import Runbook
from runbook_engine.render.dot import SYMPTOM_ID, runbook_dot
from runbook_engine.render.escape import code_fence
from runbook_engine.render.mermaid import runbook_mermaid
from runbook_engine.render.overlay import PathStep, build_overlay
from runbook_engine.render.page import runbook_page
from tests.render.helpers import FIXTURES, SVG_NS, check_mermaid, svg_root

HOSTILE = FIXTURES / "hostile.yaml"


@pytest.fixture(scope="module")
def runbook() -> Runbook:
    return load_runbook(HOSTILE)


def _dot(runbook: Runbook) -> str:
    steps = [PathStep("first", answer='yes"; x -> y; "'), PathStep("second")]
    return runbook_dot(runbook, overlay=build_overlay("INC<script>", runbook, steps))


def _run_dot(dot: str, fmt: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["dot", f"-T{fmt}"], input=dot.encode(), capture_output=True, check=False)


@pytest.mark.needs_dot
def test_dot_accepts_it_and_sees_exactly_our_nodes_and_edges(runbook: Runbook) -> None:
    result = _run_dot(_dot(runbook), "json")
    assert result.returncode == 0, result.stderr
    assert b"syntax" not in result.stderr.lower() and b"error" not in result.stderr.lower()
    graph = json.loads(result.stdout)
    names = {obj["name"] for obj in graph["objects"] if "nodes" not in obj}
    assert names == {*runbook.nodes, SYMPTOM_ID}
    assert len(graph["edges"]) == 1 + sum(len(node.edges) for node in runbook.nodes.values())


@pytest.mark.needs_dot
def test_svg_parses_and_holds_no_active_content(runbook: Runbook) -> None:
    result = _run_dot(_dot(runbook), "svg")
    assert result.returncode == 0
    root = svg_root(result.stdout)
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"script", "iframe", "img", "foreignObject"}
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not any(name.lower().startswith("on") for name in attributes)
    assert b"<script" not in result.stdout.lower()
    texts = " ".join(element.text or "" for element in root.iter(f"{SVG_NS}text"))
    assert "<script>alert(1)</script>" in texts  # shown as text, never as markup
    assert "Back\\slash \\N \\G \\l" in texts  # backslashes shown, not expanded by dot


def test_dot_labels_cannot_leave_their_delimiters(runbook: Runbook) -> None:
    dot = _dot(runbook)
    statements = [line for line in dot.splitlines()[4:] if line.strip() not in ("}", "")]
    for line in statements:
        assert line.rstrip().endswith(("];", "{", ";")), line
    assert "<script>" not in dot


def test_mermaid_stays_well_formed(runbook: Runbook) -> None:
    text = runbook_mermaid(runbook)
    assert check_mermaid(text) == []
    assert "<script" not in text and "click" not in text.split("classDef")[0].replace("click n1", "")


def test_markdown_page_is_inert(runbook: Runbook) -> None:
    page = runbook_page(runbook, "![diagram](hostile.svg)")
    prose = re.sub(r"^(`{3,})\w*\n.*?^\1$", "", page, flags=re.S | re.M)  # code blocks are inert
    assert prose.count("```") == 0
    for raw in ("<script", "<img", "<iframe", "<b>", "<!--"):
        assert raw not in prose.lower(), raw
    assert not re.search(r"(?<!\\)\]\(javascript:", prose)  # `\](` is text, not a link
    assert "&lt;script&gt;" in page
    fences = [line for line in page.splitlines() if re.fullmatch(r"`{3,}\w*", line)]
    assert len(fences) % 2 == 0
    assert code_fence("echo '```' ; rm -rf / <script>", "sh").startswith("````sh")
