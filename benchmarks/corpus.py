"""Synthetic runbook corpus for the benchmarks: realistic, lint-clean files of a chosen size."""

from __future__ import annotations

from pathlib import Path

HEADER = """\
# yaml-language-server: $schema=../schemas/runbook.schema.json
id: bench-{n}
title: Synthetic runbook number {n} for the lint benchmark
description: Generated runbook exercising every node kind, used only to measure lint speed.
service: service-{service}
owners: ["@team-{service}-oncall", "@sre"]
severity: SEV-{sev}
symptom:
  summary: Requests to service-{service} fail with elevated error rates in region {n}
  alerts: [Service{n}ErrorRateHigh, Service{n}LatencyHigh]
  impact: Customers see failed requests and slow pages while the incident lasts
tags: [bench, synthetic, generated]
start: n0-check
nodes:
"""

CHECK = """\
  n{i}-check:
    kind: check
    title: Is error rate {i} above its threshold?
    text: Compare the error rate of shard {i} with the threshold below.
    signal:
      kind: promql
      query: sum(rate(http_requests_total{{code=~"5..",shard="{i}"}}[5m]))
      expect: below 0.5% when healthy
    answers:
      high: n{i}-cause
      normal: {normal}
"""

CAUSE = """\
  n{i}-cause:
    kind: cause
    title: A bad deploy on shard {i}?
    text: The last deploy to shard {i} returns 5xx on a hot path.
    signal:
      kind: log
      query: 'service:svc shard:{i} level:error "panic" OR "exception"'
      expect: errors begin within minutes of the deploy timestamp
    answers:
      confirmed: n{i}-action
      refuted: {refuted}
"""

ACTION = """\
  n{i}-action:
    kind: action
    title: Roll back shard {i}
    text: Roll shard {i} back to the previous revision.
    risk: risky
    step:
      kind: command
      argv: [kubectl, rollout, undo, deployment/svc-shard-{i}, -n, production]
      timeout: 5m
    rollback:
      text: Re-apply the rolled-back revision once the fix is ready.
      step:
        kind: command
        argv: [kubectl, rollout, undo, deployment/svc-shard-{i}, -n, production]
    verify: errors on shard {i} drop below 0.5% within five minutes
    outcomes:
      helped: {helped}
      no_change: {no_change}
      worse: escalate
"""

TAIL = """\
  watch:
    kind: wait
    title: Watch recovery
    text: Watch the error rate for ten minutes; go back to diagnosis if it climbs again.
    duration: 10m
    poll: 30s
    signal:
      kind: metric
      query: sum(rate(http_requests_total{{code=~"5.."}}[1m]))
      expect: back to the baseline of about 0.1%
    answers:
      recovered: cleanup
      regressed: n0-check
  cleanup:
    kind: cleanup
    title: Revert debug logging
    text: Turn debug logging back off on every shard that had it enabled during diagnosis.
    step:
      kind: manual
      text: Set LOG_LEVEL=info in the service config and redeploy the config map.
    verify: log volume returns to its usual level
    next: resolved
  escalate:
    kind: escalate
    title: Page the platform team
    text: The problem is not in this service; page platform and continue in their runbook.
    team: platform-oncall
    runbook: bench-{other}
  resolved:
    kind: resolve
    text: The error rate is at baseline; keep watching for the monitoring window, then resolve.
    monitoring: 15m
"""


def runbook_text(n: int, nodes: int = 40, total: int = 1) -> str:
    """One runbook of about `nodes` nodes (a multiple of three plus four fixed ones)."""
    groups = max(1, (nodes - 4) // 3)
    parts = [HEADER.format(n=n, service=n % 17, sev=1 + n % 4)]
    for i in range(groups):
        last = i == groups - 1
        following = "escalate" if last else f"n{i + 1}-check"
        parts.append(CHECK.format(i=i, normal=following))
        parts.append(CAUSE.format(i=i, refuted=following))
        parts.append(ACTION.format(i=i, helped="watch", no_change=following))
    parts.append(TAIL.format(other=(n + 1) % total))
    return "".join(parts)


def write_corpus(folder: Path, files: int, nodes: int = 40) -> list[Path]:
    """Write `files` runbooks into `folder` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(files):
        path = folder / f"bench-{n:05d}.yaml"
        path.write_text(runbook_text(n, nodes, files), encoding="utf-8")
        paths.append(path)
    return paths
