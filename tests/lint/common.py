"""Helpers for rule tests: a small valid runbook to patch, and one-line assertions on findings."""

from __future__ import annotations

from runbook_engine.lint.config import LintConfig
from runbook_engine.lint.engine import lint_source

BASE = """\
id: demo
title: Demo runbook
service: demo
owners: ["@demo-oncall"]
severity: SEV-3
symptom:
  summary: Demo errors are high
start: errors-high
nodes:
  errors-high:
    kind: check
    text: Are errors above 1%?
    signal: {kind: promql, query: 'rate(errors[5m])'}
    answers: {high: bad-deploy, normal: page-team}
  bad-deploy:
    kind: cause
    text: The last deploy broke it.
    signal: {kind: log, query: deploy errors}
    answers: {confirmed: roll-back, refuted: page-team}
  roll-back:
    kind: action
    text: Roll back the deploy.
    risk: risky
    step: {kind: command, argv: [deployctl, rollback, demo]}
    rollback: {text: Deploy the newer version again.}
    verify: errors drop below 1%
    cleanup: [unpause]
    outcomes: {helped: unpause, no_change: unpause, worse: unpause}
  unpause:
    kind: cleanup
    text: Resume the paused jobs.
    next: watch
  watch:
    kind: wait
    text: Watch errors for ten minutes.
    duration: 10m
    answers: {recovered: resolved, regressed: errors-high}
  page-team:
    kind: escalate
    text: Page the platform team.
    team: platform-oncall
  resolved:
    kind: resolve
    text: Errors are back to normal.
    monitoring: 15m
"""
"""Line numbers in the tests refer to this text (patched by `patched`)."""

Expected = list[tuple[int, int, str]]


def patched(old: str, new: str, source: str = BASE) -> str:
    """BASE with one exact piece of text replaced (the piece must exist, once)."""
    assert source.count(old) == 1, f"{old!r} must occur exactly once"
    return source.replace(old, new)


def found(source: str, config: LintConfig | None = None) -> Expected:
    return [(f.position.line, f.position.column, f.code) for f in lint_source(source, "t.yaml", config)]


def assert_findings(source: str, expected: Expected, config: LintConfig | None = None) -> None:
    """Exactly these (line, column, code) findings, in position order."""
    got = found(source, config)
    assert got == sorted(expected), f"expected {sorted(expected)}, got {got}"
