"""The README's fenced code blocks, for tests that hold the README to what it promises."""

from __future__ import annotations

import re

from tests.conftest import REPO

FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INTERACTIVE = ("runbook walk", "scripts/")
"""Lines a person runs at a terminal: the walk screen, and the set-up scripts that CI runs itself."""


def blocks(language: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def non_interactive(block: str) -> list[str]:
    """The block's command lines without comments, blank lines and interactive commands."""
    lines = [line.split("  #", 1)[0].rstrip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#") and not line.startswith(INTERACTIVE)]
