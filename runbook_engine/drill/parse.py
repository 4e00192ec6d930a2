"""Reading drill files: YAML through the loader, the drill schema, then the rules a schema cannot say.

Every problem becomes a positioned Finding (`file:line:col: CODE message`), so a broken drill is
reported like a broken runbook, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runbook_engine.errors import InputError
from runbook_engine.findings import DocPath, Finding
from runbook_engine.format.loader import Document, LoadError, load_path
from runbook_engine.format.schema import schema_issues

from .model import ACTIONS, DEFAULT_START, Drill, Expectation, Scenario, Step
from .times import parse_start

DRILL_CODES: dict[str, tuple[str, str]] = {
    "DR100": ("drill schema", "see docs/drills.md for the drill format"),
    "DR101": ("step without an action", "add one of: " + ", ".join(ACTIONS)),
    "DR102": ("step with two actions", "split it into one step per action"),
    "DR103": ("missing reason", "add `reason:`: the timeline keeps why, not only what"),
    "DR104": ("option not allowed with this action", "move it to a step it qualifies"),
    "DR105": ("impossible start time", "write a real UTC date and time, e.g. 2026-03-15T14:05Z"),
}

_NEEDS_REASON = frozenset(
    {"deny", "handover", "severity", "reopen", "drop_hypothesis", "override", "classify"}
)
_OPTION_ACTIONS: Mapping[str, frozenset[str]] = {
    "node": frozenset({"answer", "gather", "skip", "propose", "start"}),
    "evidence": frozenset({"answer", "gather"}),
    "hypothesis": frozenset({"propose"}),
    "reason": frozenset({*_NEEDS_REASON, "resolve", "approve"}),
}


class DrillInvalid(InputError):
    """A drill file that cannot be run; `findings` say where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        first = findings[0]
        where = f"{first.path}:{first.position.line}:{first.position.column}"
        super().__init__(f"{where}: {first.code} {first.message}", first.hint)
        self.findings = findings


def load_drill(path: str | Path) -> Drill:
    """Load, validate and build one drill; raises DrillInvalid with positioned findings."""
    name = str(path)
    try:
        document = load_path(path)
    except LoadError as exc:
        raise DrillInvalid([Finding(name, exc.position, exc.code, exc.message, exc.hint)]) from None
    findings = [
        Finding(name, document.locate(i.path, key=i.key), "DR100", i.message, i.hint)
        for i in schema_issues(document.data, "drill")
    ]
    if not findings:
        problems = _start_problems(document.data) + _step_problems(document.data)
        findings = [_finding(document, *problem) for problem in problems]
    if findings:
        raise DrillInvalid(sorted(findings, key=Finding.sort_key))
    return drill_from_document(document)


def drill_from_document(document: Document) -> Drill:
    """Build a Drill from a document that passed validation."""
    data = document.data
    scenario = data["scenario"]
    steps = tuple(
        _step(document, number, raw) for number, raw in enumerate(data["steps"], start=1)
    )
    return Drill(
        id=data["drill"],
        path=document.path,
        runbook=data["runbook"],
        scenario=Scenario(
            severity=scenario.get("severity"),
            roles=dict(scenario["roles"]),
            title=scenario.get("title") or data.get("title") or data["drill"],
            start=scenario.get("start", DEFAULT_START),
            started=scenario.get("started"),
            walker=scenario.get("walker"),
            policy=scenario.get("policy"),
            declared_by=scenario.get("declared_by"),
            alert=scenario.get("alert"),
        ),
        steps=steps,
        expectations=_expectations(document, ("expect",), data.get("expect")),
        title=data.get("title", ""),
        description=data.get("description", ""),
    )


def _step(document: Document, number: int, raw: Mapping[str, Any]) -> Step:
    action = next(key for key in raw if key in ACTIONS)
    path: DocPath = ("steps", number - 1)
    return Step(
        number=number,
        action=action,
        value=raw[action],
        position=document.locate(path),
        actor=raw.get("as"),
        at=raw.get("at"),
        refused=raw.get("refused"),
        options={key: raw[key] for key in ("node", "evidence", "reason", "hypothesis") if key in raw},
        expectations=_expectations(document, (*path, "expect"), raw.get("expect")),
    )


def _expectations(document: Document, path: DocPath, raw: Any) -> tuple[Expectation, ...]:
    if not isinstance(raw, Mapping):
        return ()
    return tuple(
        Expectation(name, value, document.locate((*path, name), key=True))
        for name, value in raw.items()
    )


def _start_problems(data: Mapping[str, Any]) -> list[tuple[DocPath, str, str, bool]]:
    start = data["scenario"].get("start")
    if start is None:
        return []
    try:
        parse_start(start)
    except ValueError as exc:
        return [(("scenario", "start"), "DR105", f"{start!r} is not a real time: {exc}", False)]
    return []


def _step_problems(data: Mapping[str, Any]) -> list[tuple[DocPath, str, str, bool]]:
    """(path, code, message, at key) for each rule of steps the schema cannot express."""
    problems: list[tuple[DocPath, str, str, bool]] = []
    for index, raw in enumerate(data["steps"]):
        path: DocPath = ("steps", index)
        actions = [key for key in raw if key in ACTIONS]
        if not actions:
            problems.append((path, "DR101", f"step {index + 1} has no action", False))
            continue
        if len(actions) > 1:
            listed = " and ".join(actions)
            problems.append(((*path, actions[1]), "DR102", f"step {index + 1} has {listed}", True))
            continue
        action = actions[0]
        if action in _NEEDS_REASON and "reason" not in raw:
            problems.append((path, "DR103", f"step {index + 1}: {action} needs a reason", False))
        for option, allowed in _OPTION_ACTIONS.items():
            if option in raw and action not in allowed:
                message = f"step {index + 1}: `{option}` does not apply to {action}"
                problems.append(((*path, option), "DR104", message, True))
    return problems


def _finding(document: Document, path: DocPath, code: str, message: str, key: bool) -> Finding:
    hint = DRILL_CODES[code][1]
    return Finding(document.path, document.locate(path, key=key), code, message, hint)

