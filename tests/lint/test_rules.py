"""One line a case: a patch to the demo runbook and exactly the findings it must give."""

from __future__ import annotations

import pytest

from runbook_engine.findings import Severity
from runbook_engine.lint.config import parse_config
from runbook_engine.lint.engine import lint_source
from runbook_engine.lint.rules import names_to_codes
from tests.lint.common import BASE, assert_findings, patched

ORPHAN = "  orphan:\n    kind: resolve\n    text: Nobody gets here.\n    monitoring: 5m\n"
LINK = "    team: platform-oncall\n"
ROLLBACK = "    rollback: {text: Deploy the newer version again.}\n"
MONITOR = "    monitoring: 15m\n"
SUPPRESS = "    suppress: [{{rule: {}, reason: {}}}]\n"
LOST_TAIL = [(33, 3, "RB203"), (42, 3, "RB203")]
"""When `unpause` no longer leads on, `watch` and `resolved` cannot be reached."""


def test_base_runbook_is_clean() -> None:
    assert_findings(BASE, [])


CASES = [
    (("start: errors-high", "start: errors"), [(8, 8, "RB201")]),
    (("normal: page-team}", "normal: page-tem}"), [(14, 41, "RB202")]),
    (("cleanup: [unpause]", "cleanup: [unpase]"), [(27, 15, "RB202")]),
    (("  resolved:\n", ORPHAN + "  resolved:\n"), [(42, 3, "RB203")]),
    (("next: watch", "next: wacth"), [(29, 3, "RB204"), (32, 11, "RB202"), *LOST_TAIL]),
    (("{recovered: resolved, regressed: errors-high}", "{recovered: unpause, regressed: unpause}"),
     [(29, 3, "RB205"), (42, 3, "RB203")]),
    ((LINK, LINK + "    runbook: other-runbook\n"), [(42, 14, "RB206")]),
    ((LINK, LINK + "    runbook: demo#nope\n"), [(42, 14, "RB206")]),
    ((LINK, LINK + "    runbook: demo#watch\n"), []),
    (("cleanup: [unpause]", "cleanup: [watch]"), [(27, 15, "RB208")]),
    ((ROLLBACK, ""), [(23, 11, "RB301")]),
    ((ROLLBACK, "    irreversible: {consequence: Newer data is lost., precheck: Backups are fresh.}\n"), []),
    (("start: errors-high", "start: roll-back"), [(20, 3, "RB302")]),
    (("    signal: {kind: log, query: deploy errors}\n", ""), [(15, 3, "RB303")]),
    (("    verify: errors drop below 1%\n", ""), [(20, 3, "RB304")]),
    (("text: Roll back the deploy.", "text: TODO roll back the deploy."), [(22, 11, "RB305")]),
    (("text: Roll back the deploy.", "text: Roll back the deploy, todo or not."), []),
    (('owners: ["@demo-oncall"]', "owners: []"), [(4, 1, "RB306")]),
    (('owners: ["@demo-oncall"]\n', ""), [(1, 1, "RB306")]),
    (("severity: SEV-3", "severity: P1"), [(5, 11, "RB307")]),
    (("helped: unpause,", "helped: watch,"), [(27, 15, "RB308"), (27, 15, "RB314")]),
    (("no_change: unpause,", "no_change: page-team,"), [(27, 15, "RB314")]),
    ((MONITOR, MONITOR + SUPPRESS.format("RB999", "only a test case")), [(46, 23, "RB309")]),
    (("argv: [deployctl, rollback, demo]", 'argv: ["deployctl rollback demo"]'), [(24, 33, "RB311")]),
    # real runbook shapes
    ((LINK, LINK + "    document: https://wiki.example.com/x\n"), []),
    ((LINK, LINK + "    document: wiki:Platform/Paging\n"), []),
    ((LINK, LINK + "    document: ftp://x\n"), [(42, 15, "RB104")]),
    (("step: {kind: command, argv: [deployctl, rollback, demo]}",
      "step: {kind: shell, script: deployctl rollback demo | tee /tmp/out}"), [(24, 33, "RB315")]),
    (("step: {kind: command, argv: [deployctl, rollback, demo]}",
      'step: {kind: command, argv: [deployctl, rollback, "${DEPLOY_ENV}"], runnable: true}'), []),
    (("step: {kind: command, argv: [deployctl, rollback, demo]}",
      'step: {kind: shell, script: "deployctl rollback {demo}", runnable: true}'),
     [(24, 33, "RB312"), (24, 33, "RB315")]),
    (("    kind: escalate\n    text: Page the platform team.\n",
      "    kind: todo\n    text: Page the platform team.\n"), [(38, 3, "RB209")]),
    (("start: errors-high", "start: roll-back"), [(20, 3, "RB302")]),
    (("    risk: risky\n    step:", "    effect: coordination\n    step:"), []),
    (("argv: [deployctl, rollback, demo]", "argv: [deployctl, rollback, '|', tee]"), [(24, 33, "RB311")]),
    (("    text: Watch errors for ten minutes.\n", ""), [(33, 3, "RB101")]),
    (("verify: errors", "verfy: errors"), [(20, 3, "RB304"), (26, 5, "RB102")]),
    (("{recovered: resolved, regressed: errors-high}", "[resolved, errors-high]"),
     [(33, 3, "RB204"), (37, 14, "RB103"), (42, 3, "RB203")]),
    (("duration: 10m", "duration: ten"), [(36, 15, "RB104")]),
    (("kind: action", "kind: fix"), [(21, 11, "RB104"), (29, 3, "RB203"), *LOST_TAIL]),
    (("id: demo", "id: Demo Runbook"), [(1, 5, "RB104")]),
    (("  resolved:\n", ORPHAN + SUPPRESS.format("RB203", "kept for the drill") + "  resolved:\n"), []),
    (("  resolved:\n", ORPHAN + SUPPRESS.format("RB203", "''") + "  resolved:\n"),
     [(42, 3, "RB203"), (46, 38, "RB104")]),
    (("  resolved:\n", ORPHAN + SUPPRESS.format("RB203", "because") + "  resolved:\n"),
     [(42, 3, "RB203"), (46, 38, "RB104")]),
    (("text: Roll back the deploy.", 'text: "Roll back \\u202eyolped"'), [(22, 11, "RB313")]),
    (("text: Roll back the deploy.", "text: Roll back \u2067the deploy"), [(22, 11, "RB313")]),
    (("{high: bad-deploy,", '{"hi\\u202egh": bad-deploy,'), [(14, 15, "RB313")]),
    (("id: demo\n", "id: demo  # \u202e comment\n"), [(1, 1, "RB313")]),
    (("text: Roll back the deploy.", "text: Roll back the deploy \u200f."), []),
    (("id: demo\n", "id: demo  # \\u202e written out in a comment\n"), []),
    (("duration: 10m", "duration: 721h"), [(36, 15, "RB104")]),
    (("duration: 10m", "duration: 720h"), []),
    (("id: demo\n", 'id: "demo\\n"\n'), [(1, 5, "RB104")]),
    (("id: demo\n", f"id: {'d' * 65}\n"), [(1, 5, "RB104")]),
]


@pytest.mark.parametrize(("patch", "expected"), CASES, ids=[str(e[:1]) for _, e in CASES])
def test_rule(patch: tuple[str, str], expected: list[tuple[int, int, str]]) -> None:
    assert_findings(patched(*patch), expected)


def test_config_turns_a_rule_off() -> None:
    config = parse_config({"rules": {"unreachable-node": "off"}}, names_to_codes())
    assert_findings(patched("  resolved:\n", ORPHAN + "  resolved:\n"), [], config)


def test_config_raises_a_warning_to_an_error() -> None:
    config = parse_config({"rules": {"RB305": "error"}}, names_to_codes())
    source = patched("text: Roll back the deploy.", "text: TBD")
    findings = lint_source(source, "t.yaml", config)
    assert [(f.code, f.severity) for f in findings] == [("RB305", Severity.ERROR)]
