"""Generated runbooks of any size, for the 60+ node readability test and the render benchmark."""

from __future__ import annotations

import json


def big_runbook_yaml(causes: int) -> str:
    """A valid runbook of about 5 x `causes` nodes: a chain of checks, one branch per cause.

    Each branch is a cause, a safe and a risky action and a wait that loops back to the chain;
    everything ends in one shared resolve and one escalation. Compact JSON is valid YAML and stays
    under the loader's 1 MiB limit at 1,000 causes (5,002 nodes).
    """
    nodes: dict[str, object] = {}
    for i in range(causes):
        after = f"check-{i + 1}" if i + 1 < causes else "page-team"
        nodes[f"check-{i}"] = {
            "kind": "check", "title": f"Symptom {i} present?", "text": f"Does signal {i} show it?",
            "signal": {"kind": "promql", "query": f"metric_{i} > 1"},
            "answers": {"present": f"cause-{i}", "absent": after},
        }
        nodes[f"cause-{i}"] = {
            "kind": "cause", "title": f"Cause {i}", "text": f"Component {i} misbehaves.",
            "answers": {"confirmed": f"safe-{i}", "refuted": after},
        }
        nodes[f"safe-{i}"] = {
            "kind": "action", "title": f"Restart worker {i}", "text": "A safe restart.", "risk": "safe",
            "outcomes": {"helped": f"watch-{i}", "no_change": f"risky-{i}"},
        }
        nodes[f"risky-{i}"] = {
            "kind": "action", "title": f"Fail over component {i}", "text": "Move traffic away.",
            "risk": "risky", "rollback": {"text": "Fail back."},
            "outcomes": {"helped": f"watch-{i}", "worse": "page-team"},
        }
        nodes[f"watch-{i}"] = {
            "kind": "wait", "title": f"Watch {i}", "text": "Watch errors.", "duration": "5m",
            "answers": {"recovered": "resolved", "regressed": "check-0"},
        }
    nodes["page-team"] = {"kind": "escalate", "title": "Page the team", "text": "Page.", "team": "sre"}
    nodes["resolved"] = {"kind": "resolve", "title": "Resolved", "text": "All good."}
    document = {
        "id": f"generated-{causes}", "title": f"Generated runbook ({causes} causes)",
        "service": "generated", "owners": ["@sre"], "severity": "SEV-3",
        "symptom": {"summary": "Something is wrong", "alerts": ["GeneratedAlert"]},
        "start": "check-0", "nodes": nodes,
    }
    return json.dumps(document, separators=(",", ":"))
