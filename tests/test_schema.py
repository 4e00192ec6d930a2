"""Schema issues: one per missing field, each naming the field and what it is for."""

from __future__ import annotations

from runbook_engine.format.schema import schema_issues


def test_each_missing_field_is_its_own_issue_with_its_description() -> None:
    issues = schema_issues({"id": "x", "title": "t", "owners": ["@a"], "severity": "SEV-2", "nodes": {}})
    missing = {issue.path: issue.hint for issue in issues if "required" in issue.message}
    assert set(missing) == {("service",), ("symptom",), ("start",)}
    assert missing[("service",)].startswith("add `service:`: The service this runbook is about")
