"""Drill coverage as an opt-in lint check (RB401): the rule's code and words.

Off unless `min-drill-coverage` is configured or `--min-drill-coverage` given, because it runs
every drill found beside the linted runbooks. Running them is the drill package's job
(`drill.lint_coverage`), so lint never imports drill.
"""

from __future__ import annotations

CODE = "RB401"
NAME = "drill-coverage"
SUMMARY = "drills exercise too few of a runbook's nodes and edges"
HINT = "add drills for the parts no drill walks (`runbook drill --coverage` lists them)"
